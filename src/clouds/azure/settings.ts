import { z } from 'zod';
import { doc } from '../../core/schemaDoc';

/** Where an Azure target's resources go: the settings every Azure target shares. */
export const azureSubscriptionId = z.uuid().optional().meta(doc('Subscription', 'The Azure subscription id.'));

/** A resource group name as ARM accepts it: letters, digits, `-`, `_`, `.`, `(`, `)`; not ending in `.`. */
export const azureResourceGroup = (what: string) =>
  z
    .string()
    .regex(/^[-\w._()]{1,89}[-\w_()]$/, 'an Azure resource group name')
    .optional()
    .meta(doc('Resource group', what));
