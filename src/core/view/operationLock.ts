import { deploymentId } from './deploymentState';

/** What a deployment is busy with (mapping: Map over File is calling it, on containers of its own for a local one). */
export type Operation = 'deploying' | 'destroying' | 'mapping';

/**
 * One operation at a time per deployment (root + name): a deploy, redeploy or destroy that
 * starts while another runs on the same deployment would kill its containers or lose its
 * resource list. The second one fails at once (`busy` makes the error); it never waits.
 */
export class OperationLocks {
  private readonly held = new Map<string, Operation>();

  constructor(private readonly busyError: (name: string, operation: Operation) => Error) {}

  /** Throws when the deployment is busy (before a confirmation dialog, say). */
  assertFree(root: string, name: string): void {
    const busy = this.held.get(deploymentId(root, name));
    if (busy) throw this.busyError(name, busy);
  }

  /** Runs `work` holding the deployment's lock; throws at once when another operation holds it. */
  async run<T>(root: string, name: string, operation: Operation, work: () => Promise<T>): Promise<T> {
    this.assertFree(root, name);
    const key = deploymentId(root, name);
    this.held.set(key, operation);
    try {
      return await work();
    } finally {
      this.held.delete(key);
    }
  }

  busy(root: string, name: string): Operation | undefined {
    return this.held.get(deploymentId(root, name));
  }
}
