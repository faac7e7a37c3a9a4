import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBuildContext } from '../../../src/targets/image/buildContext';
import type { BuildInputs } from '../../../src/targets/image/buildInputs';
import { tarStream } from '../../../src/targets/image/tar';

let tmp: string;
let project: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-ctx-'));
  project = path.join(tmp, 'project');
  const files: Record<string, string> = {
    'score.R': 'score <- function(x) x\n',
    'model.rds': 'binary',
    'renv.lock': '{}',
    'notes.log': 'left out',
    'data/train.csv': 'a,b\n',
    'data/keep.csv': 'kept',
    '.git/HEAD': 'ref',
    '.rdeploy/deployments/x.json': '{}',
    '.rdeploy-build/Dockerfile': 'stale, from the user',
    [`${'long-folder-name/'.repeat(8)}file-with-a-long-name.R`]: 'deep',
    'empty.txt': '',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    writeFileSync(path.join(project, rel), text);
  }
  symlinkSync('score.R', path.join(project, 'link.R'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const runtimeFile = () => {
  const f = path.join(tmp, 'shipped-handler.R');
  writeFileSync(f, '# runtime\n');
  return f;
};

async function extract(inputs: BuildInputs): Promise<string> {
  const listing = await listBuildContext(project, inputs);
  const archive = path.join(tmp, 'ctx.tar');
  await pipeline(Readable.from(tarStream(listing.entries)), createWriteStream(archive));
  const out = path.join(tmp, 'out');
  mkdirSync(out);
  // GNU tar is the real peer here: if it reads our archive, so does the engine.
  execFileSync('tar', ['-xf', archive, '-C', out]);
  return out;
}

describe('build context', () => {
  it('holds the project minus ignored files, plus the generated files and the Dockerfile', async () => {
    const inputs: BuildInputs = {
      dockerfile: 'FROM base\nCOPY . /app\n',
      dockerignore: '.git\n*.log\ndata/*.csv\n!data/keep.csv\n',
      files: [
        { path: '.rdeploy-build/runtime/handler.R', source: runtimeFile() },
        { path: '.rdeploy-build/start.sh', content: '#!/bin/sh\nexec R\n', mode: 0o755 },
      ],
    };
    const out = await extract(inputs);
    const ls = execFileSync('find', ['.', '-type', 'f'], { cwd: out, encoding: 'utf8' }).trim().split('\n').sort();
    expect(ls).toEqual(
      [
        './.rdeploy-build/Dockerfile',
        './.rdeploy-build/runtime/handler.R',
        './.rdeploy-build/start.sh',
        './data/keep.csv',
        './empty.txt',
        `./${'long-folder-name/'.repeat(8)}file-with-a-long-name.R`,
        './model.rds',
        './renv.lock',
        './score.R',
      ].sort(),
    );
    expect(readFileSync(path.join(out, '.rdeploy-build/Dockerfile'), 'utf8')).toBe(inputs.dockerfile);
    expect(readFileSync(path.join(out, '.rdeploy-build/runtime/handler.R'), 'utf8')).toBe('# runtime\n');
    expect(statSync(path.join(out, '.rdeploy-build/start.sh')).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(out, `${'long-folder-name/'.repeat(8)}file-with-a-long-name.R`), 'utf8')).toBe('deep');
    expect(readlinkSync(path.join(out, 'link.R'))).toBe('score.R');
    expect(existsSync(path.join(out, '.rdeploy'))).toBe(false);
    // The user's project is untouched: no Dockerfile or .dockerignore written into it.
    expect(readFileSync(path.join(project, '.rdeploy-build/Dockerfile'), 'utf8')).toBe('stale, from the user');
    expect(existsSync(path.join(project, '.dockerignore'))).toBe(false);
  });

  it('counts what it sends', async () => {
    const listing = await listBuildContext(project, { dockerfile: 'FROM x', dockerignore: '**\n', files: [] });
    expect(listing.files).toBe(1);
    expect(listing.bytes).toBe('FROM x'.length);
  });

  it('refuses generated paths outside the context', async () => {
    await expect(listBuildContext(project, { dockerfile: '', dockerignore: '', files: [{ path: '../escape', content: 'x' }] })).rejects.toThrow(/outside the build context/);
  });

  it('writes an archive of exactly the declared size even if a file grows while streaming', async () => {
    const listing = await listBuildContext(project, { dockerfile: 'FROM x', dockerignore: '', files: [] });
    writeFileSync(path.join(project, 'score.R'), 'score <- function(x) x\n# grown after listing\n');
    const chunks: Buffer[] = [];
    for await (const c of tarStream(listing.entries)) chunks.push(c);
    const tar = Buffer.concat(chunks);
    expect(tar.length % 512).toBe(0);
    const archive = path.join(tmp, 'grown.tar');
    writeFileSync(archive, tar);
    expect(execFileSync('tar', ['-xOf', archive, 'score.R'], { encoding: 'utf8' })).toBe('score <- function(x) x\n');
  });
});
