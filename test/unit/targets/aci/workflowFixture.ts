import { containerGroupBody } from '../../../../src/targets/aci/containerGroup';
import { parseRecurrence } from '../../../../src/targets/aci/recurrence';
import { PAYLOAD_EXPRESSION, RUN_TAG, RUN_TAG_EXPRESSION, workflowDefinition } from '../../../../src/targets/aci/workflow';

/**
 * The fixed input of the workflow tests: one deployment ("demo" in West Europe, its image by
 * digest in an Azure Container Registry), built the way src/targets/aci/bodies.ts builds it, with
 * the run's values as expressions and the registry password as the SecureString parameter.
 */
export const TIMEOUT_MINUTES = 30;
export const SCHEDULE = 'every 1 day at 02:00';
export const REGISTRY = { server: 'rdeploydemo.azurecr.io', username: 'rdeploydemo', password: "@parameters('registryPassword')" };

export interface Variant {
  schedule?: string;
  registryPassword: boolean;
  timeoutMinutes?: number;
}

export function definitionFor(v: Variant): Record<string, unknown> {
  const containerGroup = containerGroupBody({
    location: 'westeurope',
    tags: { 'rdeploy-deployment': 'demo', [RUN_TAG]: RUN_TAG_EXPRESSION },
    image: `rdeploydemo.azurecr.io/rdeploy/demo@sha256:${'0123456789abcdef'.repeat(4)}`,
    cpu: 1,
    memoryGb: 1.5,
    payload: PAYLOAD_EXPRESSION,
    ...(v.registryPassword ? { registry: REGISTRY } : {}),
  });
  return workflowDefinition({
    containerGroup,
    ...(v.schedule ? { recurrence: parseRecurrence(v.schedule) } : {}),
    timeoutMinutes: v.timeoutMinutes ?? TIMEOUT_MINUTES,
    withRegistryPassword: v.registryPassword,
  });
}

/** The four definitions a reviewer signs off: with and without a schedule, with and without a registry password. */
export const VARIANTS: Array<{ name: string } & Variant> = [
  { name: 'http', registryPassword: false },
  { name: 'http-registry', registryPassword: true },
  { name: 'schedule', schedule: SCHEDULE, registryPassword: false },
  { name: 'schedule-registry', schedule: SCHEDULE, registryPassword: true },
];

/** A deep copy to break by hand, as the service gets it: JSON (the generator shares objects between actions). */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
