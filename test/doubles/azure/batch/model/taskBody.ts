import { invalidProperty, missingProperty } from '../data/errors';
import type { AccountState } from './Account';
import { checkId, Fields, isObject, iso, MAX_DURATION } from './common';
import { parseRegistry } from './poolSpec';
import type { JobRecord, TaskRecord, TaskSpec } from './types';

/**
 * Tasks as BatchTaskCreateContent (2025-06-01) sends them and BatchTask shows them. The double
 * runs commandLine in containerSettings.imageName with environmentSettings, retries by
 * constraints.maxTaskRetryCount and holds requiredSlots; resourceFiles, outputFiles,
 * exitConditions, affinityInfo, application packages and authentication token settings are kept
 * and shown but not acted on. Task dependencies and multi-instance tasks are refused with a reason
 * naming the double, so nothing relies on behaviour it does not have.
 */
const UNSERVED = ['dependsOn', 'multiInstanceSettings'];

export function parseTask(body: unknown, job: Pick<JobRecord, 'constraints'>, name = ''): { id: string; spec: TaskSpec } {
  if (!isObject(body)) throw missingProperty(`${name}id`);
  const f = new Fields(body, name.replace(/\.$/, ''));
  const id = checkId(body.id, `${name}id`);
  for (const key of UNSERVED) {
    if (f.has(key)) throw invalidProperty(`${name}${key}`, body[key], `${key} is not served by the Azure Batch test double.`);
  }
  const { id: _id, displayName: _d, commandLine: _c, containerSettings: _cs, environmentSettings: _e, constraints: _k, requiredSlots: _r, userIdentity: _u, ...extra } = body;
  const commandLine = f.string('commandLine');
  if (commandLine === undefined) throw missingProperty(`${name}commandLine`);
  const constraints = f.object('constraints');
  const container = f.object('containerSettings');
  return {
    id,
    spec: {
      ...(f.string('displayName') !== undefined ? { displayName: f.string('displayName')! } : {}),
      commandLine,
      ...(container ? { containerSettings: parseContainerSettings(container, `${name}containerSettings`) } : {}),
      environmentSettings: f.pairs('environmentSettings', false) ?? [],
      constraints: {
        maxWallClockTime: constraints?.duration('maxWallClockTime') ?? MAX_DURATION,
        retentionTime: constraints?.duration('retentionTime') ?? 'P7D',
        maxTaskRetryCount: constraints?.int('maxTaskRetryCount', { min: -1 }) ?? job.constraints.maxTaskRetryCount,
      },
      requiredSlots: f.int('requiredSlots', { min: 1 }) ?? 1,
      userIdentity: f.object('userIdentity')?.json ?? { autoUser: { scope: 'pool', elevationLevel: 'nonadmin' } },
      extra,
    },
  };
}

export function parseContainerSettings(c: Fields, name: string): NonNullable<TaskSpec['containerSettings']> {
  const imageName = c.string('imageName');
  if (!imageName) throw missingProperty(`${name}.imageName`);
  const registry = c.raw('registry');
  const mounts = c.array('containerHostBatchBindMounts');
  return {
    imageName,
    ...(c.string('containerRunOptions') !== undefined ? { containerRunOptions: c.string('containerRunOptions')! } : {}),
    ...(registry !== undefined && registry !== null ? { registry: parseRegistry(registry, `${name}.registry`) } : {}),
    ...(c.has('workingDirectory') ? { workingDirectory: c.oneOf('workingDirectory', ['taskWorkingDirectory', 'containerImageDefault'] as const)! } : {}),
    ...(mounts ? { containerHostBatchBindMounts: mounts.filter(isObject) as Array<{ source?: string; isReadOnly?: boolean }> } : {}),
  };
}

/** The task directory relative to the node's root, as BatchNodeInfo.taskRootDirectory shows it. */
export function taskRootDirectory(jobId: string, taskId: string): string {
  return `workitems/${jobId}/job-1/${taskId}`;
}

export function taskView(account: AccountState, task: TaskRecord): Record<string, unknown> {
  const { spec, executionInfo: e } = task;
  const url = `${account.url}/jobs/${task.jobId}/tasks/${task.id}`;
  const node = task.nodeInfo;
  const cs = spec.containerSettings;
  return {
    id: task.id,
    ...(spec.displayName !== undefined ? { displayName: spec.displayName } : {}),
    url,
    eTag: task.eTag,
    creationTime: iso(task.creationTime),
    lastModified: iso(task.lastModified),
    state: task.state,
    stateTransitionTime: iso(task.stateTransitionTime),
    ...(task.previousState ? { previousState: task.previousState, previousStateTransitionTime: iso(task.previousStateTransitionTime!) } : {}),
    commandLine: spec.commandLine,
    ...(cs
      ? {
          containerSettings: {
            ...cs,
            // The service never returns a registry password.
            ...(cs.registry ? { registry: { ...(cs.registry.registryServer ? { registryServer: cs.registry.registryServer } : {}), ...(cs.registry.username ? { username: cs.registry.username } : {}), ...(cs.registry.identityReference ? { identityReference: cs.registry.identityReference } : {}) } } : {}),
          },
        }
      : {}),
    ...(spec.environmentSettings.length ? { environmentSettings: spec.environmentSettings } : {}),
    ...spec.extra,
    constraints: spec.constraints,
    requiredSlots: spec.requiredSlots,
    userIdentity: spec.userIdentity,
    executionInfo: {
      ...(e.startTime !== undefined ? { startTime: iso(e.startTime) } : {}),
      ...(e.endTime !== undefined ? { endTime: iso(e.endTime) } : {}),
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      ...(e.containerInfo ? { containerInfo: e.containerInfo } : {}),
      ...(e.failureInfo ? { failureInfo: e.failureInfo } : {}),
      retryCount: e.retryCount,
      ...(e.lastRetryTime !== undefined ? { lastRetryTime: iso(e.lastRetryTime) } : {}),
      requeueCount: e.requeueCount,
      ...(e.lastRequeueTime !== undefined ? { lastRequeueTime: iso(e.lastRequeueTime) } : {}),
      ...(e.result ? { result: e.result } : {}),
    },
    ...(node
      ? {
          nodeInfo: {
            affinityId: node.affinityId,
            nodeUrl: `${account.url}/pools/${node.poolId}/nodes/${node.nodeId}`,
            poolId: node.poolId,
            nodeId: node.nodeId,
            taskRootDirectory: taskRootDirectory(task.jobId, task.id),
            taskRootDirectoryUrl: `${account.url}/pools/${node.poolId}/nodes/${node.nodeId}/files/${taskRootDirectory(task.jobId, task.id)}`,
          },
        }
      : {}),
  };
}
