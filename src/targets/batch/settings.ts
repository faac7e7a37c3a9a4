import { z } from 'zod';
import { azureResourceGroup, azureSubscription } from '../../clouds/azure/settings';
import { doc } from '../../core/schemaDoc';

/**
 * `rdeploy.json` → `targets.batch`. The Azure Batch target is not available in this version; its
 * settings are validated already so that a project can be prepared for it.
 */
export const BatchSettingsSchema = z
  .object({
    subscription: azureSubscription,
    resourceGroup: azureResourceGroup('The resource group of the Batch account.'),
    account: z.string().regex(/^[a-z0-9]{3,24}$/, 'a Batch account name: 3-24 lower-case letters and digits').optional().meta(doc('Batch account', 'The Azure Batch account name.')),
  })
  .strict()
  .meta(doc('Azure Batch', 'Settings of the `batch` target (coming in a later version).'));
