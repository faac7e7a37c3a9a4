// install.R against a local CRAN-shaped server: pinned versions, Archive fallback, loud failure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './harness';

let tmp = '';
let server: http.Server;
let cran = '';
const requested: string[] = [];
const tarballs = new Map<string, Buffer>();

/** A real (tiny) source package, tarred as CRAN serves it. */
function makePackage(name: string, version: string): Buffer {
  const dir = path.join(tmp, 'src', name);
  fs.mkdirSync(path.join(dir, 'R'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'DESCRIPTION'),
    `Package: ${name}\nVersion: ${version}\nTitle: Fake\nDescription: Fake.\nLicense: MIT\nAuthor: x\nMaintainer: x <x@example.org>\n`);
  fs.writeFileSync(path.join(dir, 'NAMESPACE'), 'export(hello)\n');
  fs.writeFileSync(path.join(dir, 'R', 'hello.R'), 'hello <- function() "hi"\n');
  const out = path.join(tmp, `${name}_${version}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', out, '-C', path.join(tmp, 'src'), name]);
  if (tar.status !== 0) throw new Error('tar failed');
  return fs.readFileSync(out);
}

/** A copy of runtime/ whose DEPENDENCIES lists the given lines. */
function runtimeWith(deps: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'runtime-'));
  fs.cpSync(path.join(REPO, 'runtime'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'DEPENDENCIES'), deps);
  return dir;
}

function install(runtimeDir: string, lib: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('Rscript', [path.join(runtimeDir, 'install.R')], {
      env: { ...process.env, RDEPLOY_CRAN: cran, RDEPLOY_RUNTIME_LIB: lib },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rdeploy-install-'));
  // rdeployfakea is "current"; rdeployfakeb only in the Archive.
  tarballs.set('/src/contrib/rdeployfakea_1.0.0.tar.gz', makePackage('rdeployfakea', '1.0.0'));
  tarballs.set('/src/contrib/Archive/rdeployfakeb/rdeployfakeb_0.2.0.tar.gz', makePackage('rdeployfakeb', '0.2.0'));
  server = http.createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = tarballs.get(req.url ?? '');
    res.writeHead(body ? 200 : 404);
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cran = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('install.R', () => {
  it('installs the pinned versions, falling back to the Archive, and builds the native helper', async () => {
    const lib = path.join(tmp, 'lib-ok');
    const res = await install(runtimeWith('# test\nrdeployfakea 1.0.0\nrdeployfakeb 0.2.0\n'), lib);
    expect(res.status, res.output).toBe(0);
    expect(fs.readFileSync(path.join(lib, 'rdeployfakeb', 'DESCRIPTION'), 'utf8')).toMatch(/Version: 0\.2\.0/);
    expect(fs.existsSync(path.join(lib, 'rdeploy-native', 'rdeploy_nodelay.so'))).toBe(true);
    expect(requested).toContain('/src/contrib/rdeployfakeb_0.2.0.tar.gz');
    expect(requested).toContain('/src/contrib/Archive/rdeployfakeb/rdeployfakeb_0.2.0.tar.gz');
    // Idempotent: a second run downloads nothing.
    const before = requested.length;
    const again = await install(runtimeWith('rdeployfakea 1.0.0\nrdeployfakeb 0.2.0\n'), lib);
    expect(again.status).toBe(0);
    expect(again.output).toMatch(/rdeployfakeb 0\.2\.0 already installed/);
    expect(requested.length).toBe(before);
  });

  it('fails loudly when a pinned version cannot be downloaded', async () => {
    const res = await install(runtimeWith('rdeployfakea 9.9.9\n'), path.join(tmp, 'lib-missing'));
    expect(res.status).toBe(1);
    expect(res.output).toMatch(/rdeploy install FAILED: cannot download rdeployfakea 9\.9\.9 from http:\/\/127\.0\.0\.1:\d+ \(tried .*Archive/);
  });

  it('rejects a malformed DEPENDENCIES line', async () => {
    const res = await install(runtimeWith('jsonlite\n'), path.join(tmp, 'lib-bad'));
    expect(res.status).toBe(1);
    expect(res.output).toMatch(/each line must be '<package> <version>'/);
  });
});
