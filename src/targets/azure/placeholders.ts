/**
 * What an Azure target's plan shows where only the deploy knows the value (a plan is pure: no
 * credentials, no network). Each target adds its own to these.
 */
export const AZURE_PLACEHOLDER = {
  subscription: '<subscription>',
  resourceGroup: '<resource group>',
  location: "<the resource group's location>",
  registry: '<registry>',
  digest: '<digest>',
  pullPrincipal: "<the pull identity's principal id>",
  registryId: (registry: string) => `<ARM id of the registry ${registry}>`,
  roleId: (role: string) => `<id of "${role}">`,
} as const;
