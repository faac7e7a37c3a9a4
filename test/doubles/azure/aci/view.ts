import type { Engine, EngineState } from './engine';
import type { GroupRecord } from './group';

/**
 * A container group as the service returns it (2023-05-01): secure environment values and
 * registry passwords are never returned; instance views only when asked (GET, not lists).
 */
export async function groupBody(rec: GroupRecord, engine: Engine, withInstanceView: boolean): Promise<Record<string, unknown>> {
  const states = new Map<string, EngineState | undefined>();
  if (withInstanceView) {
    for (const [name, id] of rec.dockerIds) states.set(name, await engine.state(id));
  }
  const containers = rec.spec.containers.map((c) => ({
    name: c.name,
    properties: {
      image: c.image,
      ...(c.command ? { command: c.command } : {}),
      ...c.extra,
      environmentVariables: c.environmentVariables.map((e) => (e.value !== undefined ? { name: e.name, value: e.value } : { name: e.name })),
      ...(withInstanceView ? { instanceView: containerView(rec, c.name, states.get(c.name)) } : {}),
    },
  }));
  return {
    id: rec.id,
    name: rec.name,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: rec.spec.location,
    tags: rec.spec.tags,
    ...(rec.identity ? { identity: rec.identity } : {}),
    properties: {
      sku: rec.spec.sku,
      provisioningState: rec.provisioning,
      containers,
      initContainers: [],
      imageRegistryCredentials: rec.spec.imageRegistryCredentials.map((c) => ({ server: c.server, ...(c.username !== undefined ? { username: c.username } : {}), ...(c.identity ? { identity: c.identity } : {}) })),
      restartPolicy: rec.spec.restartPolicy,
      osType: rec.spec.osType,
      ...rec.spec.extra,
      ...(withInstanceView ? { instanceView: { events: rec.groupEvents, state: groupState(rec, [...states.values()]) } } : {}),
    },
  };
}

function containerView(rec: GroupRecord, name: string, s: EngineState | undefined) {
  const events = rec.events.get(name) ?? [];
  if (!s) {
    const detailStatus = rec.failure ? 'ErrImagePull' : rec.stopped ? 'Stopped' : 'ContainerCreating';
    return { restartCount: 0, currentState: { state: 'Waiting', detailStatus }, events };
  }
  if (s.running) return { restartCount: s.restartCount, currentState: { state: 'Running', startTime: s.startedAt, detailStatus: '' }, events };
  if (s.status === 'created') return { restartCount: 0, currentState: { state: 'Waiting', detailStatus: 'ContainerCreating' }, events };
  return {
    restartCount: s.restartCount,
    currentState: {
      state: 'Terminated',
      startTime: s.startedAt,
      exitCode: s.exitCode,
      finishTime: s.finishedAt,
      detailStatus: rec.stopped ? 'Killed' : s.exitCode === 0 ? 'Completed' : 'Error',
    },
    events,
  };
}

/** instanceView.state: Pending until every container runs, then Running, then (restartPolicy
 * Never, or stopped) Succeeded / Failed / Stopped once every container has terminated. */
export function groupState(rec: GroupRecord, states: Array<EngineState | undefined>): string {
  if (rec.stopped) return 'Stopped';
  if (rec.failure) return 'Failed';
  if (rec.provisioning === 'Pending' || rec.provisioning === 'Creating' || states.length < rec.spec.containers.length || states.some((s) => !s)) return 'Pending';
  if (states.some((s) => s!.running)) return 'Running';
  if (states.some((s) => s!.status === 'created')) return 'Pending';
  return states.every((s) => s!.exitCode === 0) ? 'Succeeded' : 'Failed';
}
