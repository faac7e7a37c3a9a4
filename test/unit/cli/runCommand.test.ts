import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../support/cli';

/*
 * runCommand in a real process, with real signals and real pipes: a small program bundled from
 * src/cli (run.ts, progress.ts, output.ts) runs one scenario per invocation. The commands that
 * would need a Docker engine (`logs --follow`, `deploy`) are stood in for by bodies that behave
 * the same way: one prints lines until its signal aborts and then returns normally, like a
 * followed log stream; one shows build progress and throws, or waits to be cancelled.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-run-'));
const harness = path.join(tmp, 'harness.js');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ENTRY = `
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, cancelledError } from ${JSON.stringify(path.join(REPO, 'src/core/errors'))};
import { runCommand, EXIT } from ${JSON.stringify(path.join(REPO, 'src/cli/run'))};
import { createProgress } from ${JSON.stringify(path.join(REPO, 'src/cli/progress'))};
import { note, print } from ${JSON.stringify(path.join(REPO, 'src/cli/output'))};

const scenario = process.argv[2];
const json = process.argv.includes('--json');
// A terminal, as far as the progress can tell: the spinner and its marks go to stderr.
const tty = { isTTY: true, columns: 100, write: (s) => process.stderr.write(s) };
// A pending promise alone does not keep Node running; the work a real command awaits (a socket) does.
const untilAborted = (signal) => new Promise((resolve) => {
  const alive = setInterval(() => undefined, 1000);
  signal.addEventListener('abort', () => { clearInterval(alive); resolve(); }, { once: true });
});

void runCommand({}, async ({ signal, verbose }) => {
  switch (scenario) {
    case 'follow': {
      // Like \`logs --follow\`: print lines until aborted, then end quietly (return normally).
      for (let i = 0; !signal.aborted; i++) {
        print('line ' + i);
        try { await sleep(10, undefined, { signal }); } catch { return; }
      }
      return;
    }
    case 'build-ok': {
      const progress = createProgress({ verbose, quiet: false, stream: tty });
      progress.report({ message: 'Building image (1/2): copying your code' });
      progress.report({ message: 'Starting container' });
      print('done');
      return;
    }
    case 'build-fail': {
      const progress = createProgress({ verbose, quiet: false, stream: tty });
      progress.report({ message: 'Building image (1/2): copying your code' });
      await sleep(20);
      throw new AppError('build-failed', 'The image build failed: boom.');
    }
    case 'build-ok-finally':
    case 'build-fail-finally': {
      // deploy.ts and destroy.ts stop their progress in a finally, which cannot tell how it ended.
      const progress = createProgress({ verbose, quiet: false, stream: tty });
      progress.report({ message: 'Building image (1/2): copying your code' });
      try {
        await sleep(20);
        if (scenario === 'build-fail-finally') throw new AppError('build-failed', 'The image build failed: boom.');
      } finally {
        progress.stop();
      }
      await sleep(20);
      print('done');
      note('Try it: rdeploy invoke m');
      return;
    }
    case 'build-cancel': {
      const progress = createProgress({ verbose, quiet: false, stream: tty });
      progress.report({ message: 'Building image (1/2): copying your code' });
      await untilAborted(signal);
      throw cancelledError();
    }
    case 'build-cancel-finally': {
      // The pattern of the commands before runCommand stopped progress: stop() in a finally.
      const progress = createProgress({ verbose, quiet: false, stream: tty });
      progress.report({ message: 'Building image (1/2): copying your code' });
      try {
        await untilAborted(signal);
        throw cancelledError();
      } finally {
        progress.stop();
      }
    }
    case 'slow-cleanup': {
      process.stderr.write('waiting\\n');
      await untilAborted(signal);
      await sleep(1500); // removing what it created
      return;
    }
    case 'unexpected':
      throw new TypeError('x is not a function');
    case 'exit-code':
      print('{"ok": false}');
      return EXIT.failure;
  }
}, json ? { json } : undefined);
`;

beforeAll(async () => {
  writeFileSync(path.join(tmp, 'entry.ts'), ENTRY);
  await esbuild.build({ entryPoints: [path.join(tmp, 'entry.ts')], outfile: harness, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a scenario; `then` may act on the running child once `ready` matched its output. */
function run(args: string[], opts: { ready?: RegExp; then?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [harness, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let acted = false;
    const check = () => {
      if (!acted && opts.ready && opts.then && opts.ready.test(stdout + stderr)) {
        acted = true;
        opts.then(child);
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stdout.on('error', () => undefined);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The lines a person sees on a terminal: what follows the last carriage return of each line, without colour codes. */
function screen(stderr: string): string[] {
  // eslint-disable-next-line no-control-regex -- terminal escape codes are what we strip
  const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;
  return stderr
    .split('\n')
    .map((l) => l.split('\r').pop()!.replace(ansi, ''))
    .filter((l) => l.trim() !== '');
}

describe('Ctrl-C', () => {
  it('a following command that returns normally after the abort exits 130 with one line', async () => {
    const res = await run(['follow'], { ready: /line 3/, then: (c) => c.kill('SIGINT') });
    expect(res.code).toBe(130);
    expect(res.stderr).toBe('rdeploy: cancelled.\n');
  });

  it('SIGTERM too', async () => {
    const res = await run(['follow'], { ready: /line 3/, then: (c) => c.kill('SIGTERM') });
    expect(res.code).toBe(130);
    expect(res.stderr).toBe('rdeploy: cancelled.\n');
  });

  it('a cancelled build ends with a cancelled mark, never a success tick', async () => {
    const res = await run(['build-cancel'], { ready: /Building image/, then: (c) => c.kill('SIGINT') });
    expect(res.code).toBe(130);
    expect(res.stderr).not.toContain('✔');
    expect(screen(res.stderr)).toEqual(['⊘ Building image (cancelled)', 'rdeploy: cancelled.']);
  });

  it('so does a command that still stops its progress in a finally', async () => {
    const res = await run(['build-cancel-finally'], { ready: /Building image/, then: (c) => c.kill('SIGINT') });
    expect(res.code).toBe(130);
    expect(res.stderr).not.toContain('✔');
    expect(screen(res.stderr)).toEqual(['⊘ Building image (cancelled)', 'rdeploy: cancelled.']);
  });

  it('a slow cleanup says it is cancelling and how to quit at once, then exits 130', async () => {
    const res = await run(['slow-cleanup'], { ready: /waiting/, then: (c) => c.kill('SIGINT') });
    expect(res.code).toBe(130);
    expect(screen(res.stderr)).toEqual(['waiting', 'rdeploy: cancelling… (press Ctrl-C again to quit at once)', 'rdeploy: cancelled.']);
  });

  it('a second Ctrl-C quits at once', async () => {
    const started = Date.now();
    const res = await run(['slow-cleanup'], {
      ready: /waiting/,
      then: (c) => {
        c.kill('SIGINT');
        setTimeout(() => c.kill('SIGINT'), 100);
      },
    });
    expect(res.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(screen(res.stderr).at(-1)).toBe('rdeploy: cancelled.');
  });

  it('with --json, prints the cancellation as a JSON error on stdout', async () => {
    const res = await run(['build-cancel', '--json'], { ready: /Building image/, then: (c) => c.kill('SIGINT') });
    expect(res.code).toBe(130);
    expect(JSON.parse(res.stdout)).toEqual({ error: { code: 'cancelled', message: 'Cancelled.' } });
  });
});

describe('progress outcomes', () => {
  it('success: each phase gets a tick, before the command exits 0', async () => {
    const res = await run(['build-ok']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('done\n');
    expect(screen(res.stderr)).toEqual(['✔ Building image', '✔ Starting container']);
  });

  it('a stop() in a finally: a tick when the command goes on printing', async () => {
    const res = await run(['build-ok-finally']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('done\n');
    expect(screen(res.stderr)).toEqual(['✔ Building image', 'Try it: rdeploy invoke m']);
  });

  it('a stop() in a finally: a cross when the command fails', async () => {
    const res = await run(['build-fail-finally']);
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain('✔');
    expect(screen(res.stderr)).toEqual(['✖ Building image', 'rdeploy: The image build failed: boom.']);
  });

  it('failure: the phase gets a cross, then the one error line, exit 1', async () => {
    const res = await run(['build-fail']);
    expect(res.code).toBe(1);
    expect(screen(res.stderr)).toEqual(['✖ Building image', 'rdeploy: The image build failed: boom.']);
  });
});

describe('--json failures', () => {
  it('print {"error": {code, message}} on stdout, the same line on stderr, the same exit code', async () => {
    const res = await run(['build-fail', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ error: { code: 'build-failed', message: 'The image build failed: boom.' } });
    expect(screen(res.stderr).at(-1)).toBe('rdeploy: The image build failed: boom.');
  });

  it('an unexpected error is code "internal"', async () => {
    const res = await run(['unexpected', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ error: { code: 'internal', message: 'Unexpected error: x is not a function' } });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a command that returns an exit code itself prints nothing more', async () => {
    const res = await run(['exit-code', '--json']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('{"ok": false}\n');
    expect(res.stderr).toBe('');
  });
});

describe('a closed stdout', () => {
  it('stops a following command quietly, exit 0', async () => {
    const started = Date.now();
    const res = await run(['follow'], { ready: /line 2/, then: (c) => c.stdout!.destroy() });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
