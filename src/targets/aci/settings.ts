import { z } from 'zod';
import { azureResourceGroup, azureSubscriptionId } from '../../clouds/azure/settings';
import { doc } from '../../core/schemaDoc';

/**
 * `rdeploy.json` → `targets.aci`. The Azure Container Instances target is not available in this
 * version; its settings are validated already so that a project can be prepared for it.
 */
export const AciSettingsSchema = z
  .object({
    subscriptionId: azureSubscriptionId,
    resourceGroup: azureResourceGroup('The resource group the Logic App and container groups go in.'),
    location: z.string().regex(/^[a-z0-9]+$/, 'an Azure region such as "westeurope"').optional().meta(doc('Location', 'Azure region, e.g. `westeurope`.')),
  })
  .strict()
  .meta(doc('Azure Container Instances', 'Settings of the `aci` target (coming in a later version).'));
