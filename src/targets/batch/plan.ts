import { batchNodeHourMeters, HOURS_PER_MONTH, BATCH_VM_SIZES, type Usage, type Workload } from '../../core/cost';
import type { Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { plannedCloud } from '../../clouds/azure/clouds';
import { ownerDescription } from '../azure/ownership';
import { ACR_PULL_ROLE, roleAssignmentName } from '../azure/roles';
import { buildInputsHash } from '../image/buildInputs';
import { generatedBuildInputs } from '../image/generatedBuildInputs';
import { defaultBaseImage } from '../image/baseImage';
import type { Plan, PlanOptions } from '../Target';
import { EVALUATION_INTERVAL, IDLE_MINUTES, QUEUE_WINDOW_MINUTES, WORKING_HOURS } from './autoscale';
import type { BatchPlanDetails, PlannedAcrPull } from './details';
import { repositoryPath } from './names';
import { PLACEHOLDER, plannedBatchBodies } from './placeholders';
import { jobsPerMonth, parseBatchSchedule } from './schedule';
import { batchDefaults, type BatchSettings, type EffectiveBatchSettings } from './settings';

/** The pull identity's AcrPull on the registry (the plan's, with placeholders; the deploy's, with the real ids). */
export function acrPullAssignment(v: { owner: Owner; registryId: string; identityId: string; principalId: string; roleDefinitionId: string }): PlannedAcrPull {
  const name = roleAssignmentName(v.registryId, v.identityId, v.principalId, ACR_PULL_ROLE);
  return {
    roleName: ACR_PULL_ROLE,
    id: `${v.registryId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    scope: v.registryId,
    body: { properties: { roleDefinitionId: v.roleDefinitionId, principalId: v.principalId, principalType: 'ServicePrincipal', description: ownerDescription(v.owner) } },
  };
}

export function planBatch(project: RProject, options: PlanOptions): Plan<BatchPlanDetails> {
  const s = batchDefaults(options.settings as BatchSettings);
  const owner: Owner = { root: project.root, name: options.name };
  const cloud = plannedCloud(s.cloud);
  const baseImage = options.baseImage ?? defaultBaseImage(project);
  const build = generatedBuildInputs(project, { baseImage, mode: 'job', ...(options.exclude ? { exclude: options.exclude } : {}) });
  const repository = repositoryPath(options.name);
  const tag = buildInputsHash(build);
  const bodies = plannedBatchBodies(owner, s);
  const subscription = s.subscription ?? PLACEHOLDER.subscription;
  const registry = s.registry ?? PLACEHOLDER.registry;
  const registryId = PLACEHOLDER.registryId(registry);
  const acrPull = acrPullAssignment({
    owner,
    registryId,
    identityId: bodies.pullIdentity.id,
    principalId: PLACEHOLDER.pullPrincipal,
    roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${PLACEHOLDER.roleId(ACR_PULL_ROLE)}`,
  });
  const account = s.account ?? '<account>';
  const poolArmId = `/subscriptions/${subscription}/resourceGroups/${s.resourceGroup ?? PLACEHOLDER.resourceGroup}/providers/Microsoft.Batch/batchAccounts/${account}/pools/${bodies.poolId}`;
  const recurrence = s.schedule ? parseBatchSchedule(s.schedule) : undefined;
  const details: BatchPlanDetails = {
    settings: s,
    poolId: bodies.poolId,
    pool: bodies.pool,
    ...(bodies.jobSchedule ? { jobSchedule: bodies.jobSchedule } : {}),
    task: bodies.task,
    pullIdentity: bodies.pullIdentity,
    acrPull,
    image: { repository, tag, build },
    baseImage,
  };
  const nodes = s.spot ? `${s.minNodes} dedicated, up to ${s.maxNodes - s.minNodes} Spot` : `${s.minNodes} to ${s.maxNodes} dedicated`;
  return {
    target: 'batch',
    name: options.name,
    project,
    runtimeMode: 'job',
    baseImage,
    resources: [
      { kind: 'image', id: `${registry}/${repository}:${tag}`, description: 'job-mode image in the registry, pushed with your Azure sign-in' },
      { kind: 'pull-identity', id: bodies.pullIdentity.name, description: 'user-assigned managed identity the nodes pull the image as (AcrPull on the registry, nothing else)' },
      { kind: 'role-assignment', id: acrPull.id, description: `"${ACR_PULL_ROLE}" on ${registry} for ${bodies.pullIdentity.name}` },
      { kind: 'pool', id: bodies.poolId, description: `Batch pool in ${account}: ${s.vmSize} nodes (${nodes}), ${s.taskSlotsPerNode} task${s.taskSlotsPerNode === 1 ? '' : 's'} per node, autoscale "${s.autoscale}"` },
      ...(bodies.jobSchedule ? [{ kind: 'schedule', id: bodies.jobSchedule.id, description: `Batch job schedule, ${s.schedule} (UTC): a job with the payload ${s.scheduleInput ?? '{}'}` }] : []),
    ],
    requests: [
      { service: 'docker', operation: 'ImageBuild', target: `${repository}:${tag}`, body: { dockerfile: '.rdeploy-build/Dockerfile', networkmode: 'host', rm: true, forcerm: true } },
      { service: 'docker', operation: 'ImagePush', target: `${registry}/${repository}:${tag}`, body: { auth: '<an ACR refresh token for your Entra token (POST /oauth2/exchange)>' } },
      { service: 'arm', operation: 'PUT Microsoft.ManagedIdentity/userAssignedIdentities', target: bodies.pullIdentity.id, body: bodies.pullIdentity.body },
      { service: 'arm', operation: 'PUT Microsoft.Authorization/roleAssignments', target: acrPull.id, body: acrPull.body },
      { service: 'arm', operation: 'PUT Microsoft.Batch/batchAccounts/pools', target: poolArmId, body: { properties: bodies.pool } },
      ...(bodies.jobSchedule ? [{ service: 'batch', operation: 'POST /jobschedules', target: bodies.jobSchedule.id, body: bodies.jobSchedule }] : []),
    ],
    settings: { ...s },
    dockerfiles: { image: build.dockerfile, ...(build.runtime ? { runtime: build.runtime.dockerfile } : {}) },
    details,
    facts: [
      { label: 'cloud', value: `${cloud.name} (${cloud.resourceManager})` },
      { label: 'Batch account', value: `${account} in ${s.resourceGroup ?? PLACEHOLDER.resourceGroup}, subscription ${subscription}` },
      { label: 'registry', value: `${registry}: pushed with your Azure sign-in, pulled by the nodes as a managed identity with AcrPull (no password)` },
      { label: 'nodes', value: `${s.vmSize}, ${nodes}; node image ${s.image ?? 'chosen at deploy (DockerCompatible, supported longest)'}` },
      { label: 'autoscale', value: `${s.autoscale}, evaluated every ${EVALUATION_INTERVAL.slice(2).toLowerCase()}: work waits up to that long for a node when the pool is at ${s.minNodes}` },
      ...(recurrence ? [{ label: 'schedule', value: `${s.schedule} (UTC), about ${jobsPerMonth(recurrence).toLocaleString('en-US')} jobs a month, payload ${s.scheduleInput ?? '{}'}` }] : []),
    ],
    ...(s.minNodes > 0 ? { warnings: [`minNodes is ${s.minNodes}: ${s.minNodes === 1 ? 'that node is' : 'those nodes are'} billed every hour, busy or idle, until destroy.`] } : {}),
  };
}

/** Allocating a node, starting it and pulling the image, before a task can run (an assumption, not measured on Azure). */
export const ASSUMED_NODE_START_MINUTES = 5;
/** Working days in an average month (5 of 7 days). */
const WORKING_DAYS_PER_MONTH = (HOURS_PER_MONTH / 24) * (5 / 7);

/**
 * Node-hours a month: the `minNodes` kept all month, plus for each job a node that starts, runs
 * it and idles until the formula lets it go (half an evaluation interval on average, after the
 * queue's window or the idle wait); with `workingHours`, every node through the working hours.
 * Without a stated workload, the schedule's jobs; each job lasts `durationMs` (default 1 min).
 */
export function batchUsage(plan: Plan<BatchPlanDetails>, workload: Workload): Usage {
  const s: EffectiveBatchSettings = plan.details.settings;
  const recurrence = s.schedule ? parseBatchSchedule(s.schedule) : undefined;
  const jobs = workload.runsPerMonth ?? workload.requestsPerMonth ?? (recurrence ? jobsPerMonth(recurrence) : 0);
  const durationMinutes = (workload.durationMs ?? 60_000) / 60_000;
  const evaluationMinutes = 15;
  const tail = evaluationMinutes / 2 + (s.autoscale === 'scaleToZero' ? IDLE_MINUTES : QUEUE_WINDOW_MINUTES);
  // scaleToZero keeps no node when idle and brings up at least one (or minNodes) for work.
  const kept = s.autoscale === 'scaleToZero' ? 0 : s.minNodes;
  const nodesPerJob = s.autoscale === 'scaleToZero' ? Math.max(1, s.minNodes) : 1;
  // Jobs find a kept node waiting; with none, each brings nodes up and lets them idle down.
  const burstHours = kept > 0 ? 0 : (jobs * nodesPerJob * (ASSUMED_NODE_START_MINUTES + durationMinutes + tail)) / 60;
  const workingHours = s.autoscale === 'workingHours' ? (s.maxNodes - s.minNodes) * WORKING_DAYS_PER_MONTH * (WORKING_HOURS.toHour - WORKING_HOURS.fromHour) : 0;
  const extraHours = burstHours + workingHours;
  const keptHours = kept * HOURS_PER_MONTH;
  const vmSize = (BATCH_VM_SIZES as readonly string[]).includes(s.vmSize) ? s.vmSize : undefined;
  const assumptions = [
    `${jobs.toLocaleString('en-US')} jobs a month of ${durationMinutes.toLocaleString('en-US')} min each, ${nodesPerJob} node${nodesPerJob === 1 ? '' : 's'} each.`,
    `A node takes ${ASSUMED_NODE_START_MINUTES} min to start and pull the image, and stays about ${tail} min after its work until the formula (evaluated every ${evaluationMinutes} min) lets it go.`,
    ...(s.autoscale === 'workingHours' ? [`All ${s.maxNodes} nodes run Monday to Friday, ${WORKING_HOURS.fromHour}:00-${WORKING_HOURS.toHour}:00 UTC.`] : []),
  ];
  if (!vmSize) {
    // No price for this size: the node-hours still say what the pool will use.
    return { meters: [], assumptions: [...assumptions, `R Deploy has no price for ${s.vmSize}; multiply ${(keptHours + extraHours).toFixed(1)} node-hours by its hourly price (${BATCH_VM_SIZES.join(', ')} are known).`] };
  }
  const usage = batchNodeHourMeters({
    vmSize,
    dedicatedNodeHours: keptHours + (s.spot ? 0 : extraHours),
    spotNodeHours: s.spot ? extraHours : 0,
    dedicated: `${kept} kept node${kept === 1 ? '' : 's'} × ${HOURS_PER_MONTH} h${s.spot || extraHours === 0 ? '' : ` + ${extraHours.toFixed(1)} h of nodes the work brings up`}`,
    spot: s.spot ? `${extraHours.toFixed(1)} h of Spot nodes the work brings up` : 'none (spot is off)',
  });
  return { ...usage, assumptions };
}
