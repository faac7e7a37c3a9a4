import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unpackZip } from '../../../src/targets/lambda/twin/unpack';
import { writeZip } from '../../../src/targets/lambda/package/zip';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Lambda zips', () => {
  it('are the same bytes for the same files, whatever their dates and order, and keep Unix modes through extraction', async () => {
    writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(path.join(dir, 'score.R'), 'score <- function() 1\n');
    const entries = [
      { source: path.join(dir, 'score.R'), path: 'score.R', size: 22, mode: 0o644 },
      { source: path.join(dir, 'bootstrap'), path: 'bootstrap', size: 18, mode: 0o755 },
    ];
    const a = await writeZip(path.join(dir, 'a.zip'), entries);
    await new Promise((r) => setTimeout(r, 1100)); // a later mtime must not matter
    writeFileSync(path.join(dir, 'score.R'), 'score <- function() 1\n');
    const b = await writeZip(path.join(dir, 'b.zip'), [...entries].reverse());
    expect(b.sha256).toBe(a.sha256);
    expect(a).toMatchObject({ unzippedBytes: 40, zippedBytes: statSync(path.join(dir, 'a.zip')).size });
    await unpackZip(path.join(dir, 'a.zip'), path.join(dir, 'out'));
    expect(statSync(path.join(dir, 'out', 'bootstrap')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(dir, 'out', 'score.R')).mode & 0o777).toBe(0o644);
  });

  it('refuses to extract a path that leaves the folder', async () => {
    const { ZipFile } = await import('yazl');
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from('x'), 'xx/escape.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    // yazl refuses to write "../": the name is patched in place (same length) in both headers.
    const bytes = Buffer.concat(chunks);
    for (let at = bytes.indexOf('xx/escape.txt'); at >= 0; at = bytes.indexOf('xx/escape.txt', at + 1)) bytes.write('../escape.txt', at);
    writeFileSync(path.join(dir, 'evil.zip'), bytes);
    await expect(unpackZip(path.join(dir, 'evil.zip'), path.join(dir, 'evil'))).rejects.toMatchObject({ code: 'build-failed' });
  });
});
