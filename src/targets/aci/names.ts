import { createHash } from 'node:crypto';
export { ACR_PULL_ROLE, roleAssignmentName } from '../azure/roles';

/*
 * Names of what the ACI target creates. ARM names live in the resource group; tags tell one
 * project's deployment from another's (ownership), the names only need to be valid and stable.
 */

/** The Logic App (workflow) of a deployment: at most 80 characters in ARM, ours at most 71. */
export const workflowName = (name: string): string => `rdeploy-${name}`;

/** With a schedule, the workflow whose Recurrence calls the main one (at most 80 characters). */
export const scheduleWorkflowName = (name: string): string => `rdeploy-${name}-schedule`;

/** Each run's container group is this prefix plus the run's id lowercased (33 characters in Logic Apps). */
export function groupPrefix(name: string): string {
  // ACI allows 63 characters; the run id takes 33 and may grow a little, so the prefix stays at 26.
  const short = name.length <= 20 ? name : `${name.slice(0, 15)}-${createHash('sha256').update(name).digest('hex').slice(0, 4)}`;
  // ACI refuses consecutive hyphens in a name (a deployment may be "a--b"; a cut may leave "n-" before "-d477").
  return `rd-${short.replace(/-+/g, '-').replace(/-+$/, '')}-`;
}

/** The one container in each group. */
export const CONTAINER_NAME = 'model';

/** The repository the image goes to in the registry. */
export const repositoryPath = (name: string): string => `rdeploy/${name}`;

/** The user-assigned identity each run's group pulls its image as (Azure Container Registry; at most 128 characters). */
export const pullIdentityName = (name: string): string => `rdeploy-${name}-pull`;

/** Lets the workflow assign the pull identity to the groups it creates (…/userAssignedIdentities/assign/action), scoped to that one identity. */
export const IDENTITY_OPERATOR_ROLE = 'Managed Identity Operator';

/** The least-privileged built-in role that creates, reads and deletes container groups and reads their logs; looked up by name at deploy. */
export const RUNNER_ROLE = 'Azure Container Instances Contributor Role';

/** The Container Instances REST API version the workflow speaks (2023-05-01: stable, what @azure/arm-containerinstance 9.1.0 sends). */
export const ACI_API_VERSION = '2023-05-01';
