import { AppError } from '../../core/errors';
import { recordPath } from '../../core/records/store';
import { readLockFile, thisProcess, tryAcquireFileLock, type FileLockHolder, type HeldFileLock } from './fileLock';

export { lockHolderAlive } from './fileLock';

/**
 * One operation at a time per deployment (root + name), across every process: the CLI, any VS
 * Code window, CI. The lock is a file beside the record, created exclusively, naming its holder
 * (fileLock.ts: a dead holder's lock is taken over).
 */
export type Operation = 'deploying' | 'destroying';

export interface LockInfo extends FileLockHolder {
  operation: Operation;
  /** Who: "the rdeploy CLI", "VS Code". */
  tool: string;
}

export type HeldLock = HeldFileLock<LockInfo>;

export function lockPath(root: string, name: string): string {
  return recordPath(root, name).replace(/\.json$/, '.lock');
}

/** Takes the deployment's lock, or fails at once with one sentence naming who holds it. */
export async function acquireLock(root: string, name: string, operation: Operation, tool: string): Promise<HeldLock> {
  const file = lockPath(root, name);
  const mine: LockInfo = { ...thisProcess(), operation, tool };
  const unknown: LockInfo = { pid: 0, host: '?', startedAt: '?', operation, tool: 'an unknown process' };
  const got = await tryAcquireFileLock(file, mine, unknown);
  if (got.lock) return got.lock;
  if (!got.holder) throw new AppError('busy', `"${name}" is being taken by another process right now; try again in a moment. If none is running, delete ${file}.`);
  throw busyError(name, got.holder, file);
}

/** The lock's holder, or undefined when nothing holds it. */
export async function readLock(root: string, name: string): Promise<LockInfo | undefined> {
  return readLockFile<LockInfo>(lockPath(root, name));
}

function busyError(name: string, holder: LockInfo, file: string): AppError {
  const what = holder.operation === 'destroying' ? 'destroyed' : 'deployed';
  const since = holder.startedAt && holder.startedAt !== '?' ? `, since ${new Date(holder.startedAt).toLocaleTimeString()}` : '';
  return new AppError(
    'busy',
    `"${name}" is being ${what} by ${holder.tool} (pid ${holder.pid} on ${holder.host}${since}); wait for it to finish. If that process is gone, delete ${file}.`,
  );
}
