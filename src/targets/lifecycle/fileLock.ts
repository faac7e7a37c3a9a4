import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { AppError, cancelledError } from '../../core/errors';

/**
 * A lock held across processes: a file created exclusively, naming its holder. A holder that died
 * (SIGKILL, power loss) is recognised — same host, and its pid is gone or now belongs to a process
 * that started later, or the machine rebooted — and its lock taken over. The deployment lock
 * (lock.ts) and the runtime image's build lock (image/runtimeImage.ts) are both this.
 */
export interface FileLockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO). */
  startedAt: string;
  /** Linux: the boot and the process start time (clock ticks since boot), so a reused pid is not mistaken for the holder. */
  bootId?: string;
  procStart?: string;
}

export interface HeldFileLock<T extends FileLockHolder> {
  readonly file: string;
  /** The dead holder whose lock this one took over, if any (worth a note to the user). */
  readonly tookOver?: T;
  release(): Promise<void>;
}

/** pid, host, start time and the Linux identity of this process: spread first into a holder (the pid must come first, see takeOver). */
export function thisProcess(): FileLockHolder {
  return { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...selfIdentity() };
}

/**
 * Takes the lock, or says who holds it: `{ lock }`, or `{ holder }` when a live process does
 * (undefined when it could not be read, e.g. another process is taking it over right now).
 * `unknown` stands for a holder whose file was unreadable (a crash mid-write) when it is taken over.
 */
export async function tryAcquireFileLock<T extends FileLockHolder>(
  file: string,
  mine: T,
  unknown: T,
): Promise<{ lock: HeldFileLock<T>; holder?: undefined } | { lock?: undefined; holder: T | undefined }> {
  await mkdir(path.dirname(file), { recursive: true });
  let tookOver: T | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(file, mine)) return { lock: held(file, mine, tookOver) };
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseHolder<T>(text);
    if (holder && lockHolderAlive(holder)) return { holder };
    // Unreadable: locks appear whole (see createExclusive), so this one was cut short by a crash
    // long ago — or is being replaced right now. Only an old one is taken over.
    if (!holder && (await modifiedWithin(file, 30_000))) return { holder: undefined };
    // Dead (or unreadable: a crash mid-write) — take it over. Two processes may both see it dead:
    // a takeover marker, itself created exclusively, lets only one of them remove it.
    if (await takeOver(file, text)) tookOver = holder ?? unknown;
  }
  return { holder: await readLockFile<T>(file) };
}

export interface WaitOptions<T> {
  signal?: AbortSignal;
  /** How often to look again (default 1 s). */
  pollMs?: number;
  /** Called on each look that finds a live holder, with how long this process has waited. */
  onBusy?: (holder: T | undefined, waitedMs: number) => void;
}

/** Takes the lock, waiting for a live holder to release it; aborting the signal ends the wait (cancelled). */
export async function waitForFileLock<T extends FileLockHolder>(file: string, mine: () => T, unknown: T, opts: WaitOptions<T> = {}): Promise<HeldFileLock<T>> {
  const started = Date.now();
  for (;;) {
    if (opts.signal?.aborted) throw cancelledError();
    const got = await tryAcquireFileLock(file, mine(), unknown);
    if (got.lock) return got.lock;
    opts.onBusy?.(got.holder, Date.now() - started);
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }
}

/** The lock's holder, or undefined when nothing holds it (or its file is cut short by a crash). */
export async function readLockFile<T extends FileLockHolder>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseHolder<T>(text);
}

function parseHolder<T extends FileLockHolder>(text: string): T | undefined {
  try {
    const info = JSON.parse(text) as Partial<T>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') return info as T;
  } catch {
    // a lock file cut short by a crash while it was written: nobody can be holding it
  }
  return undefined;
}

/**
 * Whether the holder still runs. On another host we cannot tell, so it counts as alive: the
 * caller's sentence names the file to delete when the user knows better.
 */
export function lockHolderAlive(info: FileLockHolder): boolean {
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Creates the lock file with its content in one step: written and synced under a temporary name,
 * then hard-linked to the lock's name, which fails if it exists. (Opening the lock itself with
 * `wx` and writing after would let another process read it empty in between, take it for a
 * crashed holder's, and take it over while its holder runs.)
 */
async function createExclusive(file: string, info: FileLockHolder): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(JSON.stringify(info) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new AppError('internal', `Cannot create the lock file ${file}: ${(e as Error).message}.`, { cause: e });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function modifiedWithin(file: string, ms: number): Promise<boolean> {
  return stat(file).then(
    (s) => Date.now() - s.mtimeMs < ms,
    () => false,
  );
}

/**
 * Removes a dead holder's lock — only while the file still holds exactly the text judged dead
 * (another process may have taken it over meanwhile, and its lock is alive); false when another
 * process is doing the same right now.
 */
async function takeOver(file: string, judgedDead: string): Promise<boolean> {
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
    const now = await readFile(file, 'utf8').catch(() => undefined);
    if (now === undefined) return true; // gone already: the next attempt creates ours
    if (now !== judgedDead) return false;
    await unlink(file).catch(() => undefined);
    return true;
  } finally {
    await handle.close();
    await unlink(marker).catch(() => undefined);
  }
}

function held<T extends FileLockHolder>(file: string, mine: T, tookOver: T | undefined): HeldFileLock<T> {
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
