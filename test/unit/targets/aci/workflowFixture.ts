import { ownerTags, type Owner } from '../../../../src/core/owner';
import { aciBodies, REGISTRY_PASSWORD_EXPRESSION, type AciBodies } from '../../../../src/targets/aci/bodies';
import { containerGroupBody } from '../../../../src/targets/aci/containerGroup';
import { parseRecurrence } from '../../../../src/targets/aci/recurrence';
import { aciDefaults } from '../../../../src/targets/aci/settings';
import { PAYLOAD_EXPRESSION, RUN_TAG, RUN_TAG_EXPRESSION, workflowDefinition } from '../../../../src/targets/aci/workflow';

/**
 * The fixed input of the workflow tests: one deployment ("demo" in West Europe, its image by
 * digest in an Azure Container Registry), built the way src/targets/aci/bodies.ts builds it, with
 * the run's values as expressions and the registry password as the SecureString parameter.
 * `deployment()` is bodies.ts itself on the same values, so the tests can show the two agree.
 */
export const TIMEOUT_MINUTES = 30;
export const SCHEDULE = 'every 1 day at 02:00';
export const OWNER: Owner = { root: '/home/ana/fleet-model', name: 'demo' };
const IMAGE = `rdeploydemo.azurecr.io/rdeploy/demo@sha256:${'0123456789abcdef'.repeat(4)}`;
export const REGISTRY = { server: 'rdeploydemo.azurecr.io', username: 'rdeploydemo', password: REGISTRY_PASSWORD_EXPRESSION };

export interface Variant {
  registryPassword: boolean;
  timeoutMinutes?: number;
}

/** The main workflow: a Request trigger, the run, then the delete and the answer. */
export function definitionFor(v: Variant): Record<string, unknown> {
  const containerGroup = containerGroupBody({
    location: 'westeurope',
    tags: { ...ownerTags(OWNER), [RUN_TAG]: RUN_TAG_EXPRESSION },
    image: IMAGE,
    cpu: 1,
    memoryGb: 1.5,
    payload: PAYLOAD_EXPRESSION,
    ...(v.registryPassword ? { registry: REGISTRY } : {}),
  });
  return workflowDefinition({ containerGroup, timeoutMinutes: v.timeoutMinutes ?? TIMEOUT_MINUTES, withRegistryPassword: v.registryPassword });
}

/** What bodies.ts makes for the deployment, with or without a schedule (`schedule` is the setting's text). */
export function deployment(schedule?: string): AciBodies {
  return aciBodies({
    owner: OWNER,
    settings: aciDefaults({ timeoutMinutes: TIMEOUT_MINUTES, ...(schedule ? { schedule } : {}) }),
    cloud: { resourceManager: 'https://management.azure.com/', audience: 'https://management.azure.com/' },
    subscription: '00000000-0000-0000-0000-000000000001',
    resourceGroup: 'rg-demo',
    location: 'westeurope',
    registry: REGISTRY.server,
    image: IMAGE,
    pull: { kind: 'password', username: REGISTRY.username, password: 'placeholder-set-at-deploy' },
    schedulePayload: JSON.stringify({ vehicles: [{ id: 'V1', km: 120_000 }] }),
    roleDefinitionId: () => '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/5d977122-f97e-4b4d-a52f-6b43003ddb4d',
    principalId: () => '',
    ...(schedule ? { recurrence: parseRecurrence(schedule) } : {}),
  });
}

/** The scheduler workflow bodies.ts makes for `schedule` (a Recurrence that calls the main workflow), with the main one's id. */
export function schedulerFor(schedule = SCHEDULE): { id: string; definition: Record<string, unknown>; mainId: string; main: Record<string, unknown> } {
  const d = deployment(schedule);
  return { id: d.schedule!.id, definition: d.schedule!.body.properties.definition, mainId: d.workflowId, main: d.workflow.properties.definition };
}

/** The main definitions a reviewer signs off: with and without a registry password (the scheduler has its own golden file). */
export const VARIANTS: Array<{ name: string } & Variant> = [
  { name: 'main', registryPassword: false },
  { name: 'main-registry', registryPassword: true },
];

/** A deep copy to break by hand, as the service gets it: JSON. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
