// Shared by the VS Code test runners (scripts/test-vscode.mjs, test/ui/run.mjs): start code-server
// and Debian's Chromium, each as its own process group so both — and everything they spawn (the
// extension host, the pty host, renderers) — can be ended by id, whatever happens.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const TEST_BASE_IMAGE = process.env.RDEPLOY_TEST_BASE_IMAGE ?? 'rdeploy-test/r-base:bookworm';
const CHROMIUM = process.env.RDEPLOY_CHROMIUM ?? '/usr/bin/chromium';

/** Where scripts/setup-vscode.sh put code-server (RDEPLOY_CODE_SERVER overrides). */
export function codeServerBin() {
  const bin =
    process.env.RDEPLOY_CODE_SERVER ??
    path.join(process.env.RDEPLOY_CACHE ?? path.join(os.homedir(), '.cache', 'rdeploy'), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) throw new Error(`code-server not found at ${bin}: run \`bash scripts/setup-vscode.sh\` first.`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run \`bash scripts/setup-vscode.sh\` first.`);
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `ms` pass; throws `what` on timeout. */
export async function waitFor(check, ms, what, every = 250) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * A scratch area for one run: the workspace (copies of example projects, with the test base image
 * set in .vscode/settings.json), code-server's user data and extensions dirs, Chromium's profile.
 * `projects` maps folder names inside the workspace to example names; `single` makes the
 * workspace itself the copy of one example.
 */
export function makeScratch({ examples, single, settings = {} }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-vscode-'));
  const workspace = path.join(dir, 'workspace');
  const skipRecords = (src) => !src.includes(`${path.sep}.rdeploy${path.sep}deployments`);
  if (single) {
    cpSync(path.join(REPO, 'examples', single), workspace, { recursive: true, filter: skipRecords });
  } else {
    mkdirSync(workspace);
    for (const name of examples) cpSync(path.join(REPO, 'examples', name), path.join(workspace, name), { recursive: true, filter: skipRecords });
  }
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'rdeploy.baseImage': TEST_BASE_IMAGE, ...settings }, null, 2));
  const userData = path.join(dir, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  // A quiet workbench: no welcome page, tips, telemetry, update checks or trust prompts.
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'git.enabled': false,
        'files.simpleDialog.enable': true,
        'window.dialogStyle': 'custom',
      },
      null,
      2,
    ),
  );
  const extensions = path.join(dir, 'extensions');
  mkdirSync(extensions);
  return {
    dir,
    workspace,
    userData,
    extensions,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Env for children: without the variables a surrounding VS Code or Electron would leak in. */
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return { ...env, ...extra };
}

/** Ends a process group we started (negative pid), then the leader itself; never by name. */
export function killGroup(pid, signal = 'SIGTERM') {
  if (!pid) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

async function endGroup(child) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child?.pid, 'SIGKILL'); // stragglers of an exited leader
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  killGroup(child.pid, 'SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  killGroup(child.pid, 'SIGKILL');
}

/** Starts code-server on 127.0.0.1 with a free port; resolves once it answers HTTP. */
export async function startCodeServer({ scratch, env = {}, log = () => {} }) {
  const bin = codeServerBin();
  const port = await freePort();
  const config = path.join(scratch.dir, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', scratch.userData,
    '--extensions-dir', scratch.extensions,
    scratch.workspace,
  ];
  const child = spawn(bin, args, { cwd: scratch.dir, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d;
    for (const line of String(d).split('\n')) if (line.trim()) log(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
        try {
          const res = await fetch(`${base}/healthz`);
          return res.ok;
        } catch {
          return false;
        }
      },
      30_000,
      'code-server to answer',
    );
  } catch (e) {
    await endGroup(child);
    throw e;
  }
  return {
    port,
    base,
    pid: child.pid,
    child,
    output: () => output,
    /** `vscode-remote://` URI of an absolute path served by this code-server. */
    remote: (abs) => `vscode-remote://127.0.0.1:${port}${abs}`,
    stop: () => endGroup(child),
  };
}

/**
 * Starts Debian's Chromium headless with a fresh profile and connects Playwright over CDP. We
 * spawn it ourselves (rather than chromium.launch) so we hold its pid and profile dir.
 */
export async function startChromium({ scratch, width = 1440, height = 900 }) {
  const { chromium } = await import('playwright-core');
  const profile = path.join(scratch.dir, 'chromium');
  mkdirSync(profile, { recursive: true });
  const args = [
    '--headless=new',
    '--remote-debugging-port=0',
    `--user-data-dir=${profile}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--window-size=${width},${height}`,
    'about:blank',
  ];
  const child = spawn(CHROMIUM, args, { env: cleanEnv({}), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ws = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr}`)), 30_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}):\n${stderr}`));
    });
  }).catch(async (e) => {
    await endGroup(child);
    throw e;
  });
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0] ?? (await browser.newContext());
  return {
    pid: child.pid,
    browser,
    context,
    stop: async () => {
      await Promise.race([browser.close().catch(() => {}), sleep(2000)]);
      await endGroup(child);
    },
  };
}

/** Docker objects whose rdeploy-project label lies under `dir`: what a run left behind. */
export function sweepDocker(dir) {
  const removed = [];
  const list = (args) => {
    try {
      return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const ours = (line) => {
    const [id, project = ''] = line.split('\t');
    return project.startsWith(dir + path.sep) || project === dir ? id : undefined;
  };
  for (const id of list(['ps', '-a', '--filter', 'label=rdeploy-project', '--format', '{{.ID}}\t{{.Label "rdeploy-project"}}']).map(ours).filter(Boolean)) {
    list(['rm', '-f', id]);
    removed.push(`container ${id}`);
  }
  // `docker images --format` has no label accessor: find labelled images, then read the label.
  for (const id of new Set(list(['images', '-q', '--filter', 'label=rdeploy-project']))) {
    const [project = ''] = list(['image', 'inspect', '--format', '{{index .Config.Labels "rdeploy-project"}}', id]);
    if (!ours(`${id}\t${project}`)) continue;
    list(['rmi', '-f', id]);
    removed.push(`image ${id}`);
  }
  return removed;
}

/** Runs the extension's bundle build (scripts/build.mjs) so tests never run a stale dist/. */
export function buildExtension() {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
}

/** Writes test-results/<label>-summary.json ({passed, failed, skipped}) for a summary across runners. */
export function writeSummary(label, counts) {
  const dir = path.join(REPO, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${label}-summary.json`), JSON.stringify({ passed: counts.passed, failed: counts.failed, skipped: counts.skipped ?? 0 }));
}

/** Prints a final line CI reads, e.g. "vscode: 12 passed, 0 failed". */
export function summaryLine(label, { passed, failed, skipped = 0 }) {
  return `${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
