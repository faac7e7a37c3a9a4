import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { AppError } from '../../core/errors';
import { recordPath } from '../../core/records/store';

/**
 * One operation at a time per deployment (root + name), across every process: the CLI, any VS
 * Code window, CI. The lock is a file beside the record, created exclusively, naming its holder.
 * A holder that died (SIGKILL, power loss) is recognised — same host, and its pid is gone or now
 * belongs to a process that started later, or the machine rebooted — and its lock taken over.
 */
export type Operation = 'deploying' | 'destroying';

export interface LockInfo {
  pid: number;
  host: string;
  /** When the operation started (ISO). */
  startedAt: string;
  operation: Operation;
  /** Who: "the rdeploy CLI", "VS Code". */
  tool: string;
  /** Linux: the boot and the process start time (clock ticks since boot), so a reused pid is not mistaken for the holder. */
  bootId?: string;
  procStart?: string;
}

export interface HeldLock {
  readonly file: string;
  /** The dead holder whose lock this one took over, if any (worth a note to the user). */
  readonly tookOver?: LockInfo;
  release(): Promise<void>;
}

export function lockPath(root: string, name: string): string {
  return recordPath(root, name).replace(/\.json$/, '.lock');
}

/** Takes the deployment's lock, or fails at once with one sentence naming who holds it. */
export async function acquireLock(root: string, name: string, operation: Operation, tool: string): Promise<HeldLock> {
  const file = lockPath(root, name);
  await mkdir(path.dirname(file), { recursive: true });
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), operation, tool, ...selfIdentity() };
  let tookOver: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(file, mine)) return held(file, mine, tookOver);
    const holder = await readLock(root, name);
    if (holder && lockHolderAlive(holder)) throw busyError(name, holder, file);
    // Dead (or unreadable: a crash mid-write) — take it over. Two processes may both see it dead:
    // a takeover marker, itself created exclusively, lets only one of them remove it.
    if (await takeOver(file, holder)) tookOver = holder ?? { pid: 0, host: '?', startedAt: '?', operation, tool: 'an unknown process' };
  }
  const holder = await readLock(root, name);
  throw busyError(name, holder ?? mine, file);
}

/** The lock's holder, or undefined when nothing holds it. */
export async function readLock(root: string, name: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath(root, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') return info as LockInfo;
  } catch {
    // a lock file cut short by a crash while it was written: nobody can be holding it
  }
  return undefined;
}

/**
 * Whether the holder still runs. On another host we cannot tell, so it counts as alive: the
 * sentence names the file to delete when the user knows better.
 */
export function lockHolderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  const me = selfIdentity();
  if (info.bootId && me.bootId && info.bootId !== me.bootId) return false;
  if (!pidAlive(info.pid)) return false;
  if (info.procStart) {
    const start = procStartOf(info.pid);
    if (start !== undefined && start !== info.procStart) return false;
  }
  return true;
}

function busyError(name: string, holder: LockInfo, file: string): AppError {
  const what = holder.operation === 'destroying' ? 'destroyed' : 'deployed';
  const since = holder.startedAt && holder.startedAt !== '?' ? `, since ${new Date(holder.startedAt).toLocaleTimeString()}` : '';
  return new AppError(
    'busy',
    `"${name}" is being ${what} by ${holder.tool} (pid ${holder.pid} on ${holder.host}${since}); wait for it to finish. If that process is gone, delete ${file}.`,
  );
}

async function createExclusive(file: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new AppError('internal', `Cannot create the lock file ${file}: ${(e as Error).message}.`, { cause: e });
  }
  try {
    await handle.writeFile(JSON.stringify(info) + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Removes a dead holder's lock; false when another process is doing the same right now. */
async function takeOver(file: string, holder: LockInfo | undefined): Promise<boolean> {
  const marker = `${file}.takeover`;
  const stale = await stat(marker).then(
    (s) => Date.now() - s.mtimeMs > 10_000,
    () => false,
  );
  if (stale) await unlink(marker).catch(() => undefined);
  let handle;
  try {
    handle = await open(marker, 'wx');
  } catch {
    return false;
  }
  try {
    // Still the same dead holder? (Another process may have taken over and finished meanwhile.)
    const now = await readFile(file, 'utf8').catch(() => undefined);
    const same = now === undefined || holder === undefined || now.includes(`"pid":${holder.pid},`);
    if (same) await unlink(file).catch(() => undefined);
    return same;
  } finally {
    await handle.close();
    await unlink(marker).catch(() => undefined);
  }
}

function held(file: string, mine: LockInfo, tookOver: LockInfo | undefined): HeldLock {
  let released = false;
  return {
    file,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      // Only our own lock: never remove one a later process took over from us.
      const now = await readFile(file, 'utf8').catch(() => undefined);
      if (now !== undefined && now.includes(`"pid":${mine.pid},`) && now.includes(mine.startedAt)) await unlink(file).catch(() => undefined);
    },
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function selfIdentity(): { bootId?: string; procStart?: string } {
  const bootId = readText('/proc/sys/kernel/random/boot_id')?.trim();
  const procStart = procStartOf(process.pid);
  return { ...(bootId ? { bootId } : {}), ...(procStart ? { procStart } : {}) };
}

/** Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot (Linux only). */
function procStartOf(pid: number): string | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count from its end.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
