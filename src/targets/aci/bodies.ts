import { ownerTags, type Owner } from '../../core/owner';
import type { AzureCloud } from '../../clouds/azure/clouds';
import { containerGroupBody, type ContainerGroupBody } from './containerGroup';
import type { AciPlanDetails, PlannedRoleAssignment } from './details';
import { ACR_PULL_ROLE, groupPrefix, IDENTITY_OPERATOR_ROLE, pullIdentityName, roleAssignmentName, RUNNER_ROLE, scheduleWorkflowName, workflowName } from './names';
import { ownerDescription } from '../azure/ownership';
import type { Recurrence } from './recurrence';
import type { EffectiveAciSettings } from './settings';
import { PAYLOAD_EXPRESSION, RUN_TAG, RUN_TAG_EXPRESSION, scheduleDefinition, workflowDefinition } from './workflow';

/**
 * A value of ours inside the workflow definition, kept literal: Logic Apps reads a string that
 * starts with "@" as an expression and "@{…}" anywhere as one, so a project folder or a user name
 * with them would be evaluated. "@@" is the language's escape.
 */
export const literal = (value: string): string => value.replace(/^@/, '@@').replace(/@\{/g, '@@{');

/** The registry password as the container group gets it: a workflow parameter, never its value. */
export const REGISTRY_PASSWORD_EXPRESSION = "@parameters('registryPassword')";

/** How each run's container group gets into the registry. */
export type PullAccess =
  /** A login; the password is the workflow's SecureString parameter (its value only in the deploy's request). */
  | { kind: 'password'; username: string; password: string }
  /** A user-assigned identity of the deployment with AcrPull on the registry (Azure Container Registry). */
  | { kind: 'identity'; registryId: string };

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
  pull: PullAccess;
  schedulePayload: unknown;
  /** Role name → its definition's id (looked up at deploy; a placeholder in a plan). */
  roleDefinitionId: (roleName: string) => string;
  /** The workflow's identity (known once it is saved) and the pull identity's. */
  principalId: (who: PlannedRoleAssignment['principal']) => string;
  recurrence?: Recurrence;
}

export interface AciBodies {
  workflowId: string;
  workflow: AciPlanDetails['workflow'];
  /** With a pull identity: its ARM id and body. */
  pullIdentity?: { id: string; name: string; body: { location: string; tags: Record<string, string> } };
  /** With a schedule: the scheduler workflow's body, and its id. */
  schedule?: { id: string; body: NonNullable<AciPlanDetails['scheduleWorkflow']> };
  containerGroup: ContainerGroupBody;
  roleAssignments: PlannedRoleAssignment[];
}

/** The workflow, the container group it PUTs, the pull identity and the role assignments, as ARM bodies. */
export function aciBodies(v: BodyValues): AciBodies {
  const tags = ownerTags(v.owner);
  const rgId = `/subscriptions/${v.subscription}/resourceGroups/${v.resourceGroup}`;
  const name = workflowName(v.owner.name);
  const workflowId = `${rgId}/providers/Microsoft.Logic/workflows/${name}`;
  const identityName = pullIdentityName(v.owner.name);
  const identityId = `${rgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}`;
  const byPassword = v.pull.kind === 'password';
  const containerGroup = containerGroupBody({
    location: v.location,
    tags: { ...Object.fromEntries(Object.entries(tags).map(([k, t]) => [k, literal(t)])), [RUN_TAG]: RUN_TAG_EXPRESSION },
    image: v.image,
    cpu: v.settings.cpu,
    memoryGb: v.settings.memoryGb,
    payload: PAYLOAD_EXPRESSION,
    registry: v.pull.kind === 'password' ? { server: v.registry, username: literal(v.pull.username), password: REGISTRY_PASSWORD_EXPRESSION } : { server: v.registry, identity: identityId },
  });
  const definition = workflowDefinition({ containerGroup, timeoutMinutes: v.settings.timeoutMinutes, withRegistryPassword: byPassword });
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
        ...(v.pull.kind === 'password' ? { registryPassword: { value: v.pull.password } } : {}),
      },
    },
  };
  const assignment = (roleName: string, scope: string, principal: PlannedRoleAssignment['principal']): PlannedRoleAssignment => ({
    roleName,
    principal,
    // Named from the principal too: an identity recreated outside R Deploy gets a new assignment, not a refused update of the old one.
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${roleAssignmentName(scope, principal === 'workflow' ? workflowId : identityId, v.principalId(principal), roleName)}`,
    scope,
    body: { properties: { roleDefinitionId: v.roleDefinitionId(roleName), principalId: v.principalId(principal), principalType: 'ServicePrincipal', description: ownerDescription(v.owner) } },
  });
  const roleAssignments = [
    // The pull identity may pull from the registry (before any run needs it).
    ...(v.pull.kind === 'identity' ? [assignment(ACR_PULL_ROLE, v.pull.registryId, 'pull-identity')] : []),
    assignment(RUNNER_ROLE, rgId, 'workflow'),
    // The workflow may hand the pull identity to the groups it creates (ARM checks .../assign/action).
    ...(v.pull.kind === 'identity' ? [assignment(IDENTITY_OPERATOR_ROLE, identityId, 'workflow')] : []),
  ];
  const schedule = v.recurrence
    ? {
        id: `${rgId}/providers/Microsoft.Logic/workflows/${scheduleWorkflowName(v.owner.name)}`,
        body: { location: v.location, tags, properties: { state: 'Enabled' as const, definition: scheduleDefinition(v.recurrence, workflowId), parameters: { schedulePayload: { value: v.schedulePayload } } } },
      }
    : undefined;
  return {
    workflowId,
    workflow,
    ...(v.pull.kind === 'identity' ? { pullIdentity: { id: identityId, name: identityName, body: { location: v.location, tags } } } : {}),
    ...(schedule ? { schedule } : {}),
    containerGroup,
    roleAssignments,
  };
}
