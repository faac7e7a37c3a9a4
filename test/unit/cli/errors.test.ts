import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeJsonError, validatePayload } from '../../../src/core/payloads';
import { CLI, REPO, rdeploy } from '../../support/cli';

/** Issue #7: one-line errors everywhere, JSON errors with --json, a quiet exit when stdout closes. */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |Error: /);
const oneLine = (s: string) => {
  expect(s.endsWith('\n')).toBe(true);
  expect(s.trimEnd().split('\n')).toHaveLength(1);
};

/** A project with a deployment record "m" (never called: these tests fail before reaching it). */
function projectWithDeployment(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmp, 'p-'));
  const record = {
    version: 1,
    name: 'm',
    target: 'local',
    status: 'running',
    projectRoot: dir,
    handler: 'score.score',
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-01T00:00:00Z',
    endpoint: 'http://127.0.0.1:9',
    resources: [],
    details: {},
  };
  mkdirSync(path.join(dir, '.rdeploy', 'deployments'), { recursive: true });
  writeFileSync(path.join(dir, '.rdeploy', 'deployments', 'm.json'), JSON.stringify(record));
  writeFileSync(path.join(dir, 'score.R'), 'score <- function(x) x\n');
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('a payload that is not JSON (item 11)', () => {
  it('is reported in one line naming the file, the line and column, with a short excerpt', async () => {
    const dir = projectWithDeployment({ 'bad.json': 'not json\nmore lines\n', 'worse.json': '{\n  "wt": 2.62\n  "hp": 110\n}\n' });
    const res = await rdeploy(['invoke', 'm', '--payload', 'bad.json'], { cwd: dir });
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(res.stderr).toBe(`rdeploy: The payload in ${path.join(dir, 'bad.json')} is not valid JSON: line 1, column 1: unexpected "n" near \`not json\`.\n`);

    const worse = await rdeploy(['invoke', 'm', '--payload', 'worse.json'], { cwd: dir });
    oneLine(worse.stderr);
    expect(worse.stderr).toContain(`${path.join(dir, 'worse.json')} is not valid JSON: line 3, column 3:`);
    expect(worse.stderr).toContain('`"hp": 110`');
  });

  it('inline --data too, and as a JSON error with --json', async () => {
    const dir = projectWithDeployment();
    const res = await rdeploy(['invoke', 'm', '--data', '{"a":\n1,}', '--json'], { cwd: dir });
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(JSON.parse(res.stdout)).toEqual({
      error: { code: 'payload-invalid', message: 'The payload in --data is not valid JSON: line 2, column 3: expected a double-quoted property name, found "}" near `1,}`.' },
    });
  });

  it.each([
    ['', 'line 1, column 1: the text is empty'],
    ['{"a": 1', 'line 1, column 8: expected "," or "}", found end of text'],
    ['"a\nb"', 'line 1, column 3: character U+000A inside a string'],
    ['[1, 2] [3]', 'line 1, column 8: unexpected "[" after the JSON value'],
    ['\uFEFF{}', 'line 1, column 1: unexpected character U+FEFF'],
    ['{"k": tru}', 'line 1, column 7: unexpected "t"'],
    [`{"long": "${'x'.repeat(500)}", oops}`, 'line 1, column 514: expected a double-quoted property name, found "o"'],
  ])('describes %j in one line', (text, expected) => {
    const described = describeJsonError(text);
    expect(described.startsWith(expected)).toBe(true);
    expect(described).not.toMatch(/[\r\n]/);
    expect(described.length).toBeLessThan(expected.length + 50);
    expect(() => validatePayload(text, 'x.json')).toThrow(/^The payload in x\.json is not valid JSON: line \d+, column \d+: [^\n]*\.$/);
  });

  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', ' [1, -2.5e3, "\\u00e9", true, null] ', '"s"', '0']) expect(validatePayload(text, 'x')).toBe(text);
  });
});

describe('usage errors (item 13)', () => {
  it.each([
    [['no-such-command'], /^rdeploy: Unknown command 'no-such-command'; see 'rdeploy --help'\.$/],
    [['ls', '--bogus'], /^rdeploy: Unknown option '--bogus'; see 'rdeploy ls --help'\.$/],
    [['ls', '--jsn'], /^rdeploy: Unknown option '--jsn' \(did you mean --json\?\); see 'rdeploy ls --help'\.$/],
    [['invoke'], /^rdeploy: Name the deployment to call \(rdeploy ls lists them\), or pass --local --target KIND/],
    [['plan', 'examples/mtcars-glm', '--target', 'mars'], /^rdeploy: .*'mars'.*; see 'rdeploy plan --help'\.$/],
    [['invoke', 'x', '--payload', 'a.json', '--data', '{}'], /^rdeploy: .*--payload.*--data/],
  ])('%j: one line starting rdeploy:, exit 2', async (args, message) => {
    const res = await rdeploy(args);
    expect(res.code).toBe(2);
    oneLine(res.stderr);
    expect(res.stderr.trimEnd()).toMatch(message);
    expect(res.stdout).toBe('');
  });

  it('with --json, the usage error is also JSON on stdout', async () => {
    const res = await rdeploy(['ls', '--json', '--bogus']);
    expect(res.code).toBe(2);
    oneLine(res.stderr);
    expect(JSON.parse(res.stdout)).toEqual({ error: { code: 'usage', message: "Unknown option '--bogus'; see 'rdeploy ls --help'." } });
  });

  it('help and version still exit 0 and print on stdout', async () => {
    for (const args of [['--help'], ['ls', '--help'], ['--version']]) {
      const res = await rdeploy(args);
      expect(res.code).toBe(0);
      expect(res.stdout).not.toBe('');
      expect(res.stderr).toBe('');
    }
  });
});

describe('--json failures (item 13)', () => {
  it('print {"error": {code, message}} on stdout and the same sentence on stderr, exit 1', async () => {
    const dir = mkdtempSync(path.join(tmp, 'not-r-'));
    writeFileSync(path.join(dir, 'notes.txt'), 'hi');
    for (const args of [['inspect', dir, '--json'], ['plan', dir, '--json']]) {
      const res = await rdeploy(args);
      expect(res.code).toBe(1);
      oneLine(res.stderr);
      const out = JSON.parse(res.stdout);
      expect(out).toEqual({ error: { code: 'project-not-found', message: expect.stringMatching(/is not an R project/) } });
      expect(res.stderr).toBe(`rdeploy: ${out.error.message}\n`);
    }
  });

  it('an unknown deployment is code not-found', async () => {
    const res = await rdeploy(['status', 'nothing-here', '--project', 'examples/mtcars-glm', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).error.code).toBe('not-found');
  });

  it('without --json, stdout stays empty on failure', async () => {
    const res = await rdeploy(['status', 'nothing-here', '--project', 'examples/mtcars-glm']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
  });
});

/** Runs the CLI with its stdout read by nobody: the pipe's reading end is closed at once. */
function rdeployIntoClosedPipe(args: string[], cwd = REPO): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs the CLI with a reader that takes the first chunk and then closes (`| head -1`). */
function rdeployIntoHead(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, first }));
  });
}

describe('a closed stdout (item 24)', () => {
  it.each([
    [['inspect', 'examples/mtcars-glm']],
    [['inspect', 'examples/mtcars-glm', '--json']],
    [['dockerfile', 'examples/mtcars-glm']],
    [['plan', 'examples/mtcars-glm', '--json']],
    [['ls']],
    [['--help']],
  ])('%j | true: exits 0 with no message', async (args) => {
    const res = await rdeployIntoClosedPipe(args);
    expect(res.stderr).toBe('');
    noStack(res.stderr);
    expect(res.code).toBe(0);
  });

  it('ls with deployments | true', async () => {
    const dir = projectWithDeployment();
    const res = await rdeployIntoClosedPipe(['ls'], dir);
    expect(res).toEqual({ code: 0, stderr: '' });
  });

  it('inspect | head -1: the reader gets its line, the CLI exits 0 quietly', async () => {
    const res = await rdeployIntoHead(['inspect', 'examples/mtcars-glm']);
    expect(res.first).toMatch(/^R project/);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});
