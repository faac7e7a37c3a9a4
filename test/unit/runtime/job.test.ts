// job mode with real R: every payload source, stdout holding only the result, exit codes.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runJob } from './harness';

let server: http.Server;
let baseUrl = '';
let tmp = '';

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rdeploy-job-'));
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/payload.json')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"x": 30, "y": 3}');
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('job mode payload sources', () => {
  it('reads RDEPLOY_PAYLOAD', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{"x": 1, "y": 2}' });
    expect(res).toMatchObject({ status: 0, stdout: '3\n' });
  });

  it('reads RDEPLOY_PAYLOAD_FILE', async () => {
    const file = path.join(tmp, 'payload.json');
    fs.writeFileSync(file, '[1, 2]');
    expect(await runJob({ RDEPLOY_PAYLOAD_FILE: file })).toMatchObject({ status: 0, stdout: '[11,12]\n' });
  });

  it('reads RDEPLOY_PAYLOAD_URL', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD_URL: `${baseUrl}/payload.json?sig=SECRET-SIGNATURE` });
    expect(res).toMatchObject({ status: 0, stdout: '33\n' });
  });

  it('reads stdin when no variable is set', async () => {
    expect(await runJob({}, '{"x": 5}')).toMatchObject({ status: 0, stdout: '15\n' });
  });

  it('prints only the result on stdout, handler output goes to stderr', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{}' }, undefined, 'score.noisy');
    expect(res.status).toBe(0);
    expect(res.stdout).toBe('42\n');
    for (const marker of ['FIXTURE-TOP-LEVEL-OUTPUT', 'FIXTURE-PRINT', 'FIXTURE-CAT', 'FIXTURE-MESSAGE']) {
      expect(res.stderr).toContain(marker);
    }
  });
});

describe('job mode exit codes', () => {
  it('exits 1 with the error JSON when the handler raises an R error', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{"custom": true}' }, undefined, 'score.fail');
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ errorType: 'model_input_error', errorMessage: 'age must be positive' });
  });

  it('exits 2 for malformed JSON', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{"x": ' });
    expect(res.status).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'PayloadError' });
  });

  it('exits 2 with no payload at all', async () => {
    const res = await runJob({});
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/no payload: set RDEPLOY_PAYLOAD/);
  });

  it('exits 2 when two payload sources are set', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '1', RDEPLOY_PAYLOAD_FILE: '/nonexistent' });
    expect(res.status).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'UsageError' });
  });

  it('exits 2 for a missing payload file', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD_FILE: path.join(tmp, 'missing.json') });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/does not exist/);
  });

  it('exits 2 for a URL that fails, without echoing the URL or its secret', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD_URL: `${baseUrl}/gone.json?sig=SECRET-SIGNATURE` });
    expect(res.status).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'PayloadError' });
    expect(res.stdout).toContain(baseUrl);
    expect(res.stdout + res.stderr).not.toContain('SECRET-SIGNATURE');
    expect(res.stdout + res.stderr).not.toContain('gone.json');
  });

  it('exits 3 with a clear message when the handler file is missing', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{}' }, undefined, 'nope.score');
    expect(res.status).toBe(3);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'HandlerLoadError', errorMessage: expect.stringMatching(/nope\.R not found/) });
  });

  it('exits 3 when the handler file fails while being sourced', async () => {
    const res = await runJob({ RDEPLOY_PAYLOAD: '{}', RDEPLOY_APP_DIR: path.join(FIXTURES, 'broken') });
    expect(res.status).toBe(3);
    expect(JSON.parse(res.stdout).errorMessage).toMatch(/error while sourcing score\.R: .*no-such-model\.rds/);
  });

  it('exits 2 for an unknown mode', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync('Rscript', [path.join(FIXTURES, '..', '..', '..', 'runtime', 'main.R'), 'nosuchmode'], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/unknown mode 'nosuchmode'/);
  });
});
