import { z } from 'zod';
import type { BuildInputs } from '../image/buildInputs';
import type { ContainerGroupBody } from './containerGroup';
import type { EffectiveAciSettings } from './settings';

/** One role assignment the deploy makes, as the ARM request it sends. */
export interface PlannedRoleAssignment {
  /** The role's name: its id is looked up at deploy (ids differ in no cloud today, but names are what people read). */
  roleName: string;
  /** Who gets it: the workflow's system-assigned identity, or the groups' pull identity. */
  principal: 'workflow' | 'pull-identity';
  /** ARM id of the assignment: {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}. */
  id: string;
  scope: string;
  body: { properties: { roleDefinitionId: string; principalId: string; principalType: 'ServicePrincipal'; description: string } };
}

/** What an ACI plan holds besides the common parts; `details.workflow`, `containerGroup` and `roleAssignments` are a contract of `plan --json`. */
export interface AciPlanDetails {
  settings: EffectiveAciSettings;
  workflowName: string;
  /** ARM id of the workflow (placeholders where only the deploy knows: `<subscription>`). */
  workflowId: string;
  /** The exact ARM body of the workflow resource. */
  workflow: { location: string; identity: { type: 'SystemAssigned' }; tags: Record<string, string>; properties: { state: 'Enabled'; definition: Record<string, unknown>; parameters: Record<string, { value: unknown }> } };
  /** With a schedule: the scheduler workflow's ARM body (a Recurrence that calls the workflow's HTTP trigger). */
  scheduleWorkflow?: { location: string; tags: Record<string, string>; properties: { state: 'Enabled'; definition: Record<string, unknown>; parameters: Record<string, { value: unknown }> } };
  /** The container group body the workflow PUTs for each run. */
  containerGroup: ContainerGroupBody;
  roleAssignments: PlannedRoleAssignment[];
  groupPrefix: string;
  /** How the groups get into the registry, as planned. */
  registryAuth: 'identity' | 'password';
  pullIdentity?: { id: string; name: string; body: { location: string; tags: Record<string, string> } };
  image: { repository: string; tag: string; build: BuildInputs };
  baseImage: string;
}

export const AciRecordDetailsSchema = z.object({
  cloud: z.string().optional(),
  subscription: z.string().optional(),
  resourceGroup: z.string().optional(),
  location: z.string().optional(),
  workflowName: z.string().optional(),
  workflowId: z.string().optional(),
  scheduleWorkflowName: z.string().optional(),
  /** With Azure Container Registry: the user-assigned identity the groups pull as. */
  pullIdentityId: z.string().optional(),
  pullPrincipalId: z.string().optional(),
  registryId: z.string().optional(),
  principalId: z.string().optional(),
  roleAssignmentIds: z.array(z.string()).optional(),
  /** The image the container groups run, by digest. */
  image: z.string().optional(),
  baseImage: z.string().optional(),
  registry: z.string().optional(),
  registryAuth: z.enum(['identity', 'password']).optional(),
  groupPrefix: z.string().optional(),
  /** The body each run PUTs (expressions where a run fills in a value; never a password: that is a workflow expression). */
  containerGroup: z.record(z.string(), z.unknown()).optional(),
  schedule: z.string().optional(),
  cpu: z.number().optional(),
  memoryGb: z.number().optional(),
  timeoutMinutes: z.number().optional(),
});
export type AciRecordDetails = z.infer<typeof AciRecordDetailsSchema>;

export const aciRecordDetails = (details: Record<string, unknown>): AciRecordDetails => AciRecordDetailsSchema.parse(details);
