import { DEALLOCATION_OPTIONS, type NodeDeallocationOption } from '../../autoscale/evaluate';
import { checkId, Fields, isObject } from '../../model/common';
import { parseCreatePool, parseVmConfiguration } from '../../model/poolSpec';
import type { PoolRecord } from '../../model/types';
import { invalidForCurrentState, missingProperty, nodeNotFound } from '../errors';
import { list } from '../odata';
import { created, DataRouter, done, entity, type DataRequest } from '../router';
import { nodeCountsView, nodeView, poolView } from '../views';

/**
 * Pools and nodes on the data plane (2025-06-01): List Supported Images, node counts, Create,
 * Get, Exists (HEAD), List, Update (PATCH), Delete, Enable/Disable/Evaluate AutoScale, Resize,
 * Stop Resize, and nodes Get/List.
 */
export function registerPoolRoutes(router: DataRouter): void {
  const pool = (r: DataRequest) => r.svc.pools.get(r.params.poolId!);
  const url = (r: DataRequest, p: PoolRecord) => `${r.svc.state.url}/pools/${p.id}`;

  router.add('GET', '/supportedimages', 'Pools_ListSupportedImages', (r) => ({
    status: 200,
    body: list(r.svc.state.settings.supportedImages.map((i) => ({ ...i }) as Record<string, unknown>), r.query, r.svc.state.url, '/supportedimages'),
  }));

  router.add('GET', '/nodecounts', 'Pools_ListPoolNodeCounts', (r) => ({
    status: 200,
    body: list([...r.svc.state.pools.values()].map(nodeCountsView), r.query, r.svc.state.url, '/nodecounts'),
  }));

  router.add('POST', '/pools', 'Pools_CreatePool', (r) => {
    const { id, spec } = parseCreatePool(r.body);
    const p = r.svc.pools.create(checkId(id), spec, r.svc.state.resourceGroup);
    return created(url(r, p), p.eTag, p.lastModified);
  });

  router.add('GET', '/pools', 'Pools_ListPools', (r) => ({
    status: 200,
    body: list([...r.svc.state.pools.values()].map((p) => poolView(r.svc.state, p)), r.query, r.svc.state.url, '/pools'),
  }));

  router.add('GET', '/pools/{poolId}', 'Pools_GetPool', (r) => {
    const p = pool(r);
    return entity(r.svc, 'pools', poolView(r.svc.state, p), p.eTag, p.lastModified);
  });

  router.add('HEAD', '/pools/{poolId}', 'Pools_PoolExists', (r) => {
    const p = r.svc.state.pool(r.params.poolId!);
    return p ? done(200, url(r, p), p.eTag, p.lastModified) : { status: 404 };
  });

  router.add('DELETE', '/pools/{poolId}', 'Pools_DeletePool', (r) => {
    const p = pool(r);
    void r.svc.pools.delete(p);
    return { status: 202 };
  });

  router.add('PATCH', '/pools/{poolId}', 'Pools_UpdatePool', (r) => {
    const p = pool(r);
    updatePool(r, p);
    return done(200, url(r, p), p.eTag, p.lastModified);
  });

  router.add('POST', '/pools/{poolId}/enableautoscale', 'Pools_EnablePoolAutoScale', (r) => {
    const p = pool(r);
    const f = new Fields(isObject(r.body) ? r.body : {});
    r.svc.pools.enableAutoScale(p, f.string('autoScaleFormula'), f.string('autoScaleEvaluationInterval'));
    return done(200, url(r, p), p.eTag, p.lastModified);
  });

  router.add('POST', '/pools/{poolId}/disableautoscale', 'Pools_DisablePoolAutoScale', (r) => {
    const p = pool(r);
    r.svc.pools.disableAutoScale(p);
    return done(200, url(r, p), p.eTag, p.lastModified);
  });

  router.add('POST', '/pools/{poolId}/evaluateautoscale', 'Pools_EvaluatePoolAutoScale', (r) => {
    const p = pool(r);
    const formula = new Fields(isObject(r.body) ? r.body : {}).string('autoScaleFormula');
    if (formula === undefined) throw missingProperty('autoScaleFormula');
    const run = r.svc.pools.evaluate(p, formula);
    return { status: 200, headers: { DataServiceId: url(r, p) }, body: { 'odata.metadata': `${r.svc.state.url}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.AutoScaleRun`, ...run } };
  });

  router.add('POST', '/pools/{poolId}/resize', 'Pools_ResizePool', (r) => {
    const p = pool(r);
    const f = new Fields(isObject(r.body) ? r.body : {});
    const dealloc = f.oneOf('nodeDeallocationOption', DEALLOCATION_OPTIONS) as NodeDeallocationOption | undefined;
    const dedicated = f.int('targetDedicatedNodes', { min: 0 });
    const lowPriority = f.int('targetLowPriorityNodes', { min: 0 });
    const timeout = f.duration('resizeTimeout', { minMs: 5 * 60_000 });
    r.svc.pools.resize(p, {
      ...(dedicated !== undefined ? { dedicated } : {}),
      ...(lowPriority !== undefined ? { lowPriority } : {}),
      ...(timeout !== undefined ? { resizeTimeout: timeout } : {}),
      ...(dealloc !== undefined ? { nodeDeallocationOption: dealloc } : {}),
    });
    return done(202, url(r, p));
  });

  router.add('POST', '/pools/{poolId}/stopresize', 'Pools_StopPoolResize', (r) => {
    const p = pool(r);
    r.svc.pools.stopResize(p);
    return done(202, url(r, p));
  });

  router.add('GET', '/pools/{poolId}/nodes', 'Nodes_ListNodes', (r) => {
    const p = pool(r);
    return { status: 200, body: list([...p.nodes.values()].map((n) => nodeView(r.svc.state, p, n, r.svc.jobs.tasksOn(n))), r.query, r.svc.state.url, `/pools/${p.id}/nodes`) };
  });

  router.add('GET', '/pools/{poolId}/nodes/{nodeId}', 'Nodes_GetNode', (r) => {
    const p = pool(r);
    const node = p.nodes.get(r.params.nodeId!);
    if (!node) throw nodeNotFound();
    return entity(r.svc, `pools/@Element/nodes`, nodeView(r.svc.state, p, node, r.svc.jobs.tasksOn(node)));
  });
}

/** Update Pool (PATCH): what is given replaces; properties of the machines need an empty pool. */
function updatePool(r: DataRequest, p: PoolRecord): void {
  if (!isObject(r.body)) return;
  const f = new Fields(r.body);
  const { metadata: _m, startTask: _s, displayName: _d, vmSize: _v, taskSlotsPerNode: _t, taskSchedulingPolicy: _p, virtualMachineConfiguration: _vm, enableInterNodeCommunication: _e, ...extra } = r.body;
  const needsEmpty = ['displayName', 'vmSize', 'taskSlotsPerNode', 'taskSchedulingPolicy', 'virtualMachineConfiguration', 'enableInterNodeCommunication', 'resourceTags', 'networkConfiguration', 'userAccounts', 'mountConfiguration', 'upgradePolicy'].filter((k) => f.has(k));
  if (needsEmpty.length > 0 && p.nodes.size > 0) throw invalidForCurrentState(`${needsEmpty.join(', ')} can be updated only when the pool is empty.`);
  const spec = { ...p.spec };
  if (f.has('metadata')) spec.metadata = f.pairs('metadata', true) as Array<{ name: string; value: string }>;
  if (f.has('startTask')) spec.startTask = f.object('startTask')!.json;
  if (f.has('displayName')) spec.displayName = f.string('displayName')!;
  if (f.has('vmSize')) spec.vmSize = f.string('vmSize')!;
  if (f.has('taskSlotsPerNode')) spec.taskSlotsPerNode = f.int('taskSlotsPerNode', { min: 1, max: 256 })!;
  if (f.has('taskSchedulingPolicy')) spec.nodeFillType = f.object('taskSchedulingPolicy')!.oneOf('nodeFillType', ['spread', 'pack'] as const) ?? 'spread';
  if (f.has('enableInterNodeCommunication')) spec.enableInterNodeCommunication = f.bool('enableInterNodeCommunication')!;
  if (f.has('virtualMachineConfiguration')) spec.virtualMachineConfiguration = parseVmConfiguration(f.object('virtualMachineConfiguration')!);
  spec.extra = { ...spec.extra, ...extra };
  r.svc.pools.checkMachine(spec);
  p.spec = spec;
  r.svc.pools.touch(p);
}
