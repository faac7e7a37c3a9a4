import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where R Deploy keeps the full output behind a one-line error: `<project>/.rdeploy/logs/`.
 * Beside the project rather than in the OS temp dir because the user looks for it there (next
 * to `.rdeploy/deployments/`), it survives a reboot, and `.rdeploy` never enters an image (the
 * generated .dockerignore and the context builder both leave it out). The temp dir is the
 * fallback when the project folder is read-only.
 */
export const LOG_DIR = path.join('.rdeploy', 'logs');
/** Logs of one kind kept per project: enough to compare a few attempts, never a growing pile. */
const KEEP = 10;

/** ANSI escape sequences (colours, cursor moves): R and Docker print them; messages never carry them. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]|\u009b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Writes `text` to `<root>/.rdeploy/logs/<kind>-<name>-<timestamp>.log` and returns the path,
 * or undefined when no log can be written anywhere (the error message then goes without it).
 */
export async function writeLogFile(root: string, kind: 'build' | 'start', name: string, text: string, now = new Date()): Promise<string | undefined> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'project';
  const file = `${kind}-${safe}-${stamp}.log`;
  for (const dir of [path.join(root, LOG_DIR), path.join(os.tmpdir(), 'rdeploy-logs')]) {
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, file), stripAnsi(text));
      await prune(dir, `${kind}-${safe}-`);
      return path.join(dir, file);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

async function prune(dir: string, prefix: string): Promise<void> {
  const old = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.log')).sort();
  await Promise.all(old.slice(0, Math.max(0, old.length - KEEP)).map((f) => rm(path.join(dir, f), { force: true })));
}

/** " Full log: <path>." or nothing, for the end of an error sentence. */
export function logHint(file: string | undefined, what = 'Full log'): string {
  return file ? ` ${what}: ${file}` : '';
}
