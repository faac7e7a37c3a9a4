import { ownerTags, type Owner } from '../../core/owner';
import type { AzureCloud } from '../../clouds/azure/clouds';
import { containerGroupBody, type ContainerGroupBody } from './containerGroup';
import type { AciPlanDetails, PlannedRoleAssignment } from './details';
import { groupPrefix, roleAssignmentName, RUNNER_ROLE, scheduleWorkflowName, workflowName } from './names';
import { ownerDescription } from './ownership';
import type { Recurrence } from './recurrence';
import type { EffectiveAciSettings } from './settings';
import { PAYLOAD_EXPRESSION, RUN_TAG, RUN_TAG_EXPRESSION, scheduleDefinition, workflowDefinition } from './workflow';

/** The registry password as the container group gets it: a workflow parameter, never its value. */
export const REGISTRY_PASSWORD_EXPRESSION = "@parameters('registryPassword')";

/** The values the ARM bodies are made of: placeholders in a plan, the real ones at deploy. */
export interface BodyValues {
  owner: Owner;
  settings: EffectiveAciSettings;
  cloud: Pick<AzureCloud, 'resourceManager' | 'audience'>;
  subscription: string;
  resourceGroup: string;
  location: string;
  registry: string;
  /** registry/repository@digest */
  image: string;
  registryUser: string;
  /** The SecureString parameter's value (a placeholder in a plan; the deploy's request only). */
  registryPassword: string;
  schedulePayload: unknown;
  roleDefinitionId: string;
  principalId: string;
  recurrence?: Recurrence;
}

export interface AciBodies {
  workflowId: string;
  workflow: AciPlanDetails['workflow'];
  /** With a schedule: the scheduler workflow's body, and its id. */
  schedule?: { id: string; body: NonNullable<AciPlanDetails['scheduleWorkflow']> };
  containerGroup: ContainerGroupBody;
  roleAssignments: PlannedRoleAssignment[];
}

/** The workflow, the container group it PUTs and the role assignment, as ARM bodies. */
export function aciBodies(v: BodyValues): AciBodies {
  const tags = ownerTags(v.owner);
  const rgId = `/subscriptions/${v.subscription}/resourceGroups/${v.resourceGroup}`;
  const name = workflowName(v.owner.name);
  const workflowId = `${rgId}/providers/Microsoft.Logic/workflows/${name}`;
  const containerGroup = containerGroupBody({
    location: v.location,
    tags: { ...tags, [RUN_TAG]: RUN_TAG_EXPRESSION },
    image: v.image,
    cpu: v.settings.cpu,
    memoryGb: v.settings.memoryGb,
    payload: PAYLOAD_EXPRESSION,
    registry: { server: v.registry, username: v.registryUser, password: REGISTRY_PASSWORD_EXPRESSION },
  });
  const definition = workflowDefinition({ containerGroup, timeoutMinutes: v.settings.timeoutMinutes, withRegistryPassword: true });
  const workflow: AciPlanDetails['workflow'] = {
    location: v.location,
    identity: { type: 'SystemAssigned' },
    tags,
    properties: {
      state: 'Enabled',
      definition,
      parameters: {
        containerGroups: { value: `${v.cloud.resourceManager}${rgId.slice(1)}/providers/Microsoft.ContainerInstance/containerGroups/` },
        armAudience: { value: v.cloud.audience },
        groupPrefix: { value: groupPrefix(v.owner.name) },
        registryPassword: { value: v.registryPassword },
      },
    },
  };
  const assignment = roleAssignmentName(rgId, workflowId, RUNNER_ROLE);
  const roleAssignments: PlannedRoleAssignment[] = [
    {
      roleName: RUNNER_ROLE,
      id: `${rgId}/providers/Microsoft.Authorization/roleAssignments/${assignment}`,
      scope: rgId,
      body: { properties: { roleDefinitionId: v.roleDefinitionId, principalId: v.principalId, principalType: 'ServicePrincipal', description: ownerDescription(v.owner) } },
    },
  ];
  const schedule = v.recurrence
    ? {
        id: `${rgId}/providers/Microsoft.Logic/workflows/${scheduleWorkflowName(v.owner.name)}`,
        body: { location: v.location, tags, properties: { state: 'Enabled' as const, definition: scheduleDefinition(v.recurrence, workflowId), parameters: { schedulePayload: { value: v.schedulePayload } } } },
      }
    : undefined;
  return { workflowId, workflow, ...(schedule ? { schedule } : {}), containerGroup, roleAssignments };
}
