import { z } from 'zod';
import { doc } from '../../core/schemaDoc';

/*
 * Where an Azure target's resources go: the settings every Azure target shares, under the same
 * keys in `targets.aci` and `targets.batch` (and `--set`).
 */

/** The subscription id (a GUID). Default: AZURE_SUBSCRIPTION_ID, else the Azure CLI's default subscription. */
export const azureSubscription = z
  .uuid('a subscription id such as "00000000-0000-0000-0000-000000000000" (az account list shows yours)')
  .optional()
  .meta(doc('Subscription', 'The Azure subscription id. Default: `AZURE_SUBSCRIPTION_ID`, else the Azure CLI\'s default subscription (`az account show`).'));

/** A resource group name as ARM accepts it: letters, digits, `-`, `_`, `.`, `(`, `)`; not ending in `.`. */
export const azureResourceGroup = (what: string) =>
  z
    .string()
    .regex(/^[-\w._()]{0,89}[-\w_()]$/, 'an Azure resource group name (letters, digits, - _ . ( ), not ending in ".")')
    .optional()
    .meta(doc('Resource group', what));

/** An Azure region's programmatic name. */
export const azureLocation = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,40}$/, 'an Azure region name such as "westeurope" (az account list-locations shows them)')
  .optional()
  .meta(doc('Location', 'Azure region, e.g. `westeurope`. Default: the resource group\'s location.'));

/** The sovereign clouds R Deploy knows by name (the Azure CLI's names). */
export const AZURE_CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

/** A known cloud by name, or a custom cloud (Azure Stack, a test double) by its Resource Manager endpoint. */
export const azureCloud = z
  .union([z.enum(AZURE_CLOUD_NAMES), z.url({ protocol: /^https$/, error: 'a cloud name (AzureCloud, AzureChinaCloud, AzureUSGovernment) or the https:// Resource Manager endpoint of a custom cloud' })])
  .optional()
  .meta(doc('Cloud', '`AzureCloud` (default), `AzureChinaCloud`, `AzureUSGovernment`, or the `https://` Resource Manager endpoint of a custom cloud (Azure Stack Hub).'));

/** A container registry host, optionally with a port: `myregistry.azurecr.io`, `ghcr.io`. */
export const azureRegistry = z
  .string()
  .regex(/^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$/, 'a registry host such as "myregistry.azurecr.io" (no scheme, no path)')
  .optional()
  .meta(
    doc(
      'Registry',
      'Where the deploy pushes the image and the container pulls it from: an Azure Container Registry (`myregistry.azurecr.io`, signed in with your Azure credentials) or any registry (credentials from `RDEPLOY_REGISTRY_USERNAME`/`RDEPLOY_REGISTRY_PASSWORD`).',
    ),
  );
