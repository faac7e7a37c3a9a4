import { z } from 'zod';
import { LOCAL_PRICES, localMeters } from '../../src/core/cost';
import { AppError } from '../../src/core/errors';
import { ownerTags, taggedFor, type Owner } from '../../src/core/owner';
import type { RProject } from '../../src/core/project/model';
import type { DeployStep, Plan, ResourceKind, Target, TargetContext } from '../../src/targets/Target';

/**
 * A test double of a target for the lifecycle: an in-memory "cloud" of tagged resources (a
 * bucket, then a server that replaces the previous one, then a start step), whose steps can be
 * told to fail or to be cancelled. It records every call it was sent, so tests assert on them.
 */
export interface FakeResource {
  kind: string;
  tags: Record<string, string>;
}

export interface TestTargetControl {
  /** What exists, by id. */
  readonly cloud: Map<string, FakeResource>;
  /** Every call, in order: "create bucket b1", "remove server s2", … */
  readonly calls: string[];
  /** Throw at this step (0-based) of the next deploys. */
  failAt?: number;
  /** Abort this controller at this step (before the step's work). */
  cancelAt?: { step: number; controller: AbortController };
  /** Make removals of this kind fail. */
  removeFails?: string;
  /** Make `find` fail (the cloud does not answer). */
  findFails?: boolean;
  /** Abort this controller when the last step has finished. */
  cancelAfterLast?: AbortController;
  /** The anchor the live operations fall back to when the record has none (like local's container name). */
  anchorName?: string;
}

let counter = 0;

export function createTestTarget(): { target: Target; control: TestTargetControl } {
  const control: TestTargetControl = { cloud: new Map(), calls: [] };
  const kind = (name: string, billable: boolean): ResourceKind => ({
    billable,
    ownership: async (id, owner) => {
      const r = control.cloud.get(id);
      if (!r) return 'gone';
      return taggedFor(r.tags, owner) ? 'ours' : 'theirs';
    },
    remove: async (id) => {
      control.calls.push(`remove ${name} ${id}`);
      if (control.removeFails === name) throw new Error(`${name} ${id} is locked`);
      control.cloud.delete(id);
    },
    find: async (owner) => {
      if (control.findFails) throw new Error('the cloud does not answer');
      return [...control.cloud.entries()].filter(([, r]) => r.kind === name && taggedFor(r.tags, owner)).map(([id]) => id);
    },
    describe: (id) => `${name} ${id}`,
  });
  const create = (name: string, owner: Owner): string => {
    const id = `${name[0]}${++counter}`;
    control.calls.push(`create ${name} ${id}`);
    control.cloud.set(id, { kind: name, tags: ownerTags(owner) });
    return id;
  };
  const gate = (step: number, ctx: TargetContext) => {
    if (control.cancelAt?.step === step) control.cancelAt.controller.abort();
    if (ctx.signal?.aborted) throw new AppError('cancelled', 'Cancelled.');
    if (control.failAt === step) throw new AppError('deploy-failed', `step ${step} failed on purpose`);
  };
  const steps: DeployStep[] = [
    {
      title: 'Creating bucket',
      creates: { kind: 'bucket', id: 'bucket', replaces: 'after' },
      run: async ({ ctx, owner }) => {
        gate(0, ctx);
        return { id: create('bucket', owner), details: { bucketCreated: true } };
      },
    },
    {
      title: 'Creating server',
      creates: { kind: 'server', id: 'server', replaces: 'before' },
      run: async ({ ctx, owner, created }) => {
        gate(1, ctx);
        const id = create('server', owner);
        control.calls.push(`attach ${created('bucket')} to ${id}`);
        return { id, endpoint: `fake://${id}` };
      },
    },
    {
      title: 'Starting server',
      run: async ({ ctx, created }) => {
        gate(2, ctx);
        control.calls.push(`start ${created('server')}`);
        control.cancelAfterLast?.abort();
      },
    },
  ];
  const target: Target = {
    kind: 'local',
    settings: z.object({}).strict(),
    recordDetails: z.object({ bucketCreated: z.boolean().optional() }),
    runtimeMode: () => 'http',
    plan: (project: RProject, options): Plan => ({
      target: 'local',
      name: options.name,
      project,
      runtimeMode: 'http',
      resources: [
        { kind: 'bucket', id: 'bucket', description: 'a bucket' },
        { kind: 'server', id: 'server', description: 'a server' },
      ],
      requests: [],
      settings: {},
      details: {},
    }),
    preflight: async () => undefined,
    steps: () => steps,
    resources: { bucket: kind('bucket', false), server: kind('server', true) },
    anchor: 'server',
    anchorRef: (record) => record.resources.filter((r) => r.kind === 'server' && r.state === 'created').pop()?.id ?? control.anchorName,
    invoke: async (record) => ({ ok: true, body: { from: record.name }, raw: '{}', durationMs: 1 }),
    logs: async function* () {
      yield { timestamp: new Date().toISOString(), stream: 'stdout' as const, message: 'hello' };
    },
    status: async () => ({ state: 'running' }),
    describe: () => [],
    prices: LOCAL_PRICES,
    usage: () => localMeters(),
    redeployOptions: () => ({}),
  };
  return { target, control };
}
