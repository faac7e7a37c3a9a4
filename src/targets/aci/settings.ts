import { z } from 'zod';
import { azureCloud, azureLocation, azureRegistry, azureResourceGroup, azureSubscription } from '../../clouds/azure/settings';
import { doc } from '../../core/schemaDoc';
import { parseRecurrence } from './recurrence';

/** `rdeploy.json` → `targets.aci`, and `--set KEY=VALUE` with `--target aci`. */
export const AciSettingsSchema = z
  .object({
    subscription: azureSubscription,
    resourceGroup: azureResourceGroup('The resource group the Logic App and its container groups go in (it must exist). Required to deploy.'),
    location: azureLocation,
    registry: azureRegistry,
    registryAuth: z
      .enum(['identity', 'password'])
      .optional()
      .meta(
        doc(
          'Registry access',
          '`identity`: push with your Azure sign-in (an Entra token exchanged as `az acr login` does) and let each run pull through a managed identity with AcrPull — Azure Container Registry only, no password anywhere. `password`: a login from `RDEPLOY_REGISTRY_USERNAME`/`RDEPLOY_REGISTRY_PASSWORD` (any registry). Default: `identity` for `*.azurecr.io` (and the sovereign clouds\' suffixes), else `password`.',
        ),
      ),
    cpu: z.number().min(0.1).max(4).optional().meta(doc('vCPU', 'vCPUs of the container, 0.1 to 4. Default: 1.')),
    memoryGb: z.number().min(0.1).max(16).optional().meta(doc('Memory (GB)', 'Memory of the container in GB, 0.1 to 16. Default: 1.5.')),
    schedule: z
      .string()
      .max(100)
      .refine((s) => {
        try {
          parseRecurrence(s);
          return true;
        } catch {
          return false;
        }
      }, 'a schedule such as "every 1 day at 02:00", "every 6 hours" or a cron expression such as "0 2 * * *" (UTC)')
      .optional()
      .meta(doc('Schedule', 'Also run on a schedule (a Recurrence trigger, UTC): `every 1 day at 02:00`, `every 6 hours`, `every monday at 08:30`, or cron `0 2 * * *`, with `scheduleInput` as the payload. Default: HTTP trigger only.')),
    scheduleInput: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,80}$/, 'the name of a sample or saved payload of the project, e.g. "fleet"')
      .optional()
      .meta(doc('Scheduled payload', 'The payload each scheduled run gets: the name of a sample (`samples/<name>.json`) or saved payload. Default: `{}`.')),
    timeoutMinutes: z.number().int().min(1).max(1440).optional().meta(doc('Timeout (min)', 'How long one run may take before the workflow stops waiting and deletes the container group, 1 to 1,440. Default: 30.')),
    cloud: azureCloud,
  })
  .strict()
  .meta(doc('Azure Container Instances', 'Settings of the `aci` target: a Logic App that starts a container group per run, collects its logs and deletes it.'));

export type AciSettings = z.infer<typeof AciSettingsSchema>;

export const ACI_DEFAULTS = { cpu: 1, memoryGb: 1.5, timeoutMinutes: 30, cloud: 'AzureCloud' } as const;

export type EffectiveAciSettings = Omit<AciSettings, keyof typeof ACI_DEFAULTS> & { cpu: number; memoryGb: number; timeoutMinutes: number; cloud: string };

export function aciDefaults(settings: AciSettings): EffectiveAciSettings {
  return { ...ACI_DEFAULTS, ...settings };
}

/** The Azure Container Registry login server suffixes of the public and sovereign clouds. */
const ACR_SUFFIXES = ['.azurecr.io', '.azurecr.cn', '.azurecr.us'];

/** How the registry is reached: as set, else `identity` for an Azure Container Registry (of a known cloud, or the custom cloud's suffix). */
export function registryAuthOf(s: EffectiveAciSettings, cloud: { acrSuffix: string }): 'identity' | 'password' {
  if (s.registryAuth) return s.registryAuth;
  const host = (s.registry ?? '').toLowerCase().replace(/:\d+$/, '');
  return [...ACR_SUFFIXES, `.${cloud.acrSuffix}`].some((suffix) => host.endsWith(suffix)) ? 'identity' : 'password';
}
