import { describe, expect, it } from 'vitest';
import { OperationLocks, type Operation } from '../../../src/core/view/operationLock';

const locks = () => new OperationLocks((name: string, op: Operation) => new Error(`${name} is being ${op === 'deploying' ? 'deployed' : 'destroyed'}; wait for it to finish.`));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('OperationLocks', () => {
  it('refuses a second operation on the same deployment while the first runs, then frees it', async () => {
    const l = locks();
    const gate = deferred();
    const first = l.run('/p', 'app', 'deploying', () => gate.promise.then(() => 'first'));
    expect(l.busy('/p', 'app')).toBe('deploying');
    await expect(l.run('/p', 'app', 'destroying', async () => 'second')).rejects.toThrow('app is being deployed; wait for it to finish.');
    expect(() => l.assertFree('/p', 'app')).toThrow('app is being deployed');
    gate.resolve();
    await expect(first).resolves.toBe('first');
    expect(l.busy('/p', 'app')).toBeUndefined();
    await expect(l.run('/p', 'app', 'destroying', async () => 'third')).resolves.toBe('third');
  });

  it('frees the lock when the work fails', async () => {
    const l = locks();
    await expect(l.run('/p', 'app', 'destroying', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(() => l.assertFree('/p', 'app')).not.toThrow();
  });

  it('keys by root and name: other deployments and other projects are not blocked', async () => {
    const l = locks();
    const gate = deferred();
    const first = l.run('/p', 'app', 'destroying', () => gate.promise);
    await expect(l.run('/p', 'other', 'deploying', async () => 1)).resolves.toBe(1);
    await expect(l.run('/q', 'app', 'deploying', async () => 2)).resolves.toBe(2);
    await expect(l.run('/p', 'app', 'deploying', async () => 3)).rejects.toThrow('app is being destroyed');
    gate.resolve();
    await first;
  });
});
