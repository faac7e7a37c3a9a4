import { aciMeters, type Usage, type Workload } from '../../core/cost';
import type { Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { plannedCloud } from '../../clouds/azure/clouds';
import { AZURE_PLACEHOLDER } from '../azure/placeholders';
import { buildInputsHash } from '../image/buildInputs';
import { generatedBuildInputs } from '../image/generatedBuildInputs';
import { defaultBaseImage } from '../image/baseImage';
import type { Plan, PlanOptions } from '../Target';
import { aciBodies } from './bodies';
import type { AciPlanDetails } from './details';
import { groupPrefix, repositoryPath, scheduleWorkflowName, workflowName } from './names';
import { parseRecurrence, runsPerMonth } from './recurrence';
import { aciDefaults, registryAuthOf, type AciSettings } from './settings';
import { actionsPerRun, pollSeconds } from './workflow';

/** What stands where only the deploy knows the value (plan is pure: no credentials, no network). */
export const PLACEHOLDER = {
  ...AZURE_PLACEHOLDER,
  principal: "<the workflow's principal id>",
  registryUser: '<registry user: RDEPLOY_REGISTRY_USERNAME>',
  registryPassword: '<registry password: set at deploy, never shown>',
} as const;

export function planAci(project: RProject, options: PlanOptions): Plan<AciPlanDetails> {
  const s = aciDefaults(options.settings as AciSettings);
  const owner: Owner = { root: project.root, name: options.name };
  const subscription = s.subscription ?? PLACEHOLDER.subscription;
  const resourceGroup = s.resourceGroup ?? PLACEHOLDER.resourceGroup;
  const registry = s.registry ?? PLACEHOLDER.registry;
  const cloud = plannedCloud(s.cloud);
  const baseImage = options.baseImage ?? defaultBaseImage(project);
  const build = generatedBuildInputs(project, { baseImage, mode: 'job', ...(options.exclude ? { exclude: options.exclude } : {}) });
  const repository = repositoryPath(options.name);
  const tag = buildInputsHash(build);
  const recurrence = s.schedule ? parseRecurrence(s.schedule) : undefined;
  const registryAuth = registryAuthOf(s, cloud);
  const { workflowId, workflow, pullIdentity, schedule, containerGroup, roleAssignments } = aciBodies({
    owner,
    settings: s,
    cloud,
    subscription,
    resourceGroup,
    location: s.location ?? PLACEHOLDER.location,
    registry,
    image: `${registry}/${repository}@${PLACEHOLDER.digest}`,
    pull: registryAuth === 'identity' ? { kind: 'identity', registryId: PLACEHOLDER.registryId(registry) } : { kind: 'password', username: PLACEHOLDER.registryUser, password: PLACEHOLDER.registryPassword },
    schedulePayload: s.scheduleInput ? `<the payload ${s.scheduleInput}, as JSON text>` : '{}',
    roleDefinitionId: (role) => `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${PLACEHOLDER.roleId(role)}`,
    principalId: (who) => (who === 'workflow' ? PLACEHOLDER.principal : PLACEHOLDER.pullPrincipal),
    ...(recurrence ? { recurrence } : {}),
  });
  const name = workflowName(options.name);
  const details: AciPlanDetails = {
    settings: s,
    workflowName: name,
    workflowId,
    workflow,
    ...(schedule ? { scheduleWorkflow: schedule.body } : {}),
    containerGroup,
    roleAssignments,
    groupPrefix: groupPrefix(options.name),
    registryAuth,
    ...(pullIdentity ? { pullIdentity } : {}),
    image: { repository, tag, build },
    baseImage,
  };
  const grantee = (r: (typeof roleAssignments)[number]) => (r.principal === 'workflow' ? "the workflow's identity" : 'the pull identity');
  const where = (r: (typeof roleAssignments)[number]) => (r.scope === pullIdentity?.id ? 'the pull identity' : r.scope.endsWith(`/resourceGroups/${resourceGroup}`) ? resourceGroup : registry);
  return {
    target: 'aci',
    name: options.name,
    project,
    runtimeMode: 'job',
    baseImage,
    resources: [
      { kind: 'image', id: `${registry}/${repository}:${tag}`, description: `the model's image, FROM ${baseImage}, pushed to ${registry} (${registryAuth === 'identity' ? 'with your Azure sign-in' : 'with the registry login'})` },
      ...(pullIdentity ? [{ kind: 'pull-identity', id: pullIdentity.name, description: 'user-assigned managed identity each run pulls the image as (AcrPull on the registry, nothing else)' }] : []),
      { kind: 'workflow', id: name, description: `Logic App (Consumption), HTTP trigger: each run creates a container group (${s.cpu} vCPU, ${s.memoryGb} GB), waits, collects its logs and deletes it` },
      ...roleAssignments.map((r) => ({ kind: 'role-assignment', id: r.id, description: `"${r.roleName}" on ${where(r)} for ${grantee(r)}` })),
      ...(schedule ? [{ kind: 'schedule', id: scheduleWorkflowName(options.name), description: `Logic App with a Recurrence trigger, ${s.schedule} (UTC): calls ${name} with ${s.scheduleInput ?? '{}'}` }] : []),
    ],
    requests: [
      { service: 'docker', operation: 'ImageBuild', target: `${repository}:${tag}`, body: { dockerfile: '.rdeploy-build/Dockerfile', networkmode: 'host', rm: true, forcerm: true } },
      { service: 'docker', operation: 'ImagePush', target: `${registry}/${repository}:${tag}`, body: { auth: registryAuth === 'identity' ? '<an ACR refresh token for your Entra token (POST /oauth2/exchange)>' : '<registry login>' } },
      ...(pullIdentity ? [{ service: 'arm', operation: 'PUT Microsoft.ManagedIdentity/userAssignedIdentities', target: pullIdentity.id, body: pullIdentity.body }] : []),
      { service: 'arm', operation: 'PUT Microsoft.Logic/workflows', target: workflowId, body: workflow },
      ...roleAssignments.map((r) => ({ service: 'arm', operation: 'PUT Microsoft.Authorization/roleAssignments', target: r.id, body: r.body })),
      ...(schedule ? [{ service: 'arm', operation: 'PUT Microsoft.Logic/workflows', target: schedule.id, body: schedule.body }] : []),
    ],
    settings: { ...s },
    dockerfiles: { image: build.dockerfile, ...(build.runtime ? { runtime: build.runtime.dockerfile } : {}) },
    details,
    facts: [
      { label: 'cloud', value: `${cloud.name} (${cloud.resourceManager})` },
      { label: 'registry', value: registryAuth === 'identity' ? `${registry}: pushed with your Azure sign-in, pulled by a managed identity with AcrPull (no password)` : `${registry}: pushed and pulled with the registry login (RDEPLOY_REGISTRY_USERNAME/PASSWORD; Azure keeps the password as a secure parameter)` },
      { label: 'runs in', value: `${resourceGroup}${s.location ? ` (${s.location})` : ''}, subscription ${subscription}` },
      { label: 'each run', value: `a container group of ${s.cpu} vCPU and ${s.memoryGb} GB, checked every ${pollSeconds(s.timeoutMinutes)} s, stopped after ${s.timeoutMinutes} min, then deleted` },
      ...(recurrence ? [{ label: 'schedule', value: `${s.schedule} (UTC), about ${runsPerMonth(recurrence).toLocaleString('en-US')} runs a month, payload ${s.scheduleInput ?? '{}'}` }] : []),
    ],
  };
}

/** Pull and R start-up that every run pays for besides scoring (a cold pull of an R image; cached pulls are faster). */
export const ASSUMED_STARTUP_MS = 30_000;

export function aciUsage(plan: Plan<AciPlanDetails>, workload: Workload): Usage {
  const s = plan.details.settings;
  const recurrence = s.schedule ? parseRecurrence(s.schedule) : undefined;
  const durationMs = workload.durationMs ?? 1_000;
  const polls = Math.ceil((ASSUMED_STARTUP_MS + durationMs) / 1000 / pollSeconds(s.timeoutMinutes));
  return aciMeters({
    vcpu: s.cpu,
    memoryGb: s.memoryGb,
    runsPerMonth: workload.runsPerMonth ?? workload.requestsPerMonth ?? (recurrence ? runsPerMonth(recurrence) : 0),
    durationMs,
    startupMs: ASSUMED_STARTUP_MS,
    // Stated runs are HTTP calls; without a stated workload the schedule's runs are counted (each goes through the scheduler).
    builtInActionsPerRun: actionsPerRun(polls, !(workload.runsPerMonth ?? workload.requestsPerMonth) && Boolean(recurrence)),
    connectorCallsPerRun: 0,
  });
}
