import { ArmError } from '../errors';

// Microsoft.ContainerInstance's error answers. Texts marked (verified) are as users quote them
// in public issues or as Microsoft's troubleshooting pages print them; the others follow the
// service's style but no public quote was found: "(unverified wording)".

/** (verified: learn.microsoft.com troubleshooting "ContainerGroupTransitioning", 409) */
export const transitioning = (name: string) => new ArmError(409, 'ContainerGroupTransitioning', `The container group '${name}' is still transitioning, please retry later.`);

/** (verified: Azure/azure-cli#18596, azure-sdk-for-python#16731) — reported as the failed operation's error. */
export const inaccessibleImage = (image: string, group: string) => ({
  code: 'InaccessibleImage',
  message: `The image '${image}' in container group '${group}' is not accessible. Please check the image and registry credential.`,
});

/** ARM's own check (verified). */
export const locationRequired = () => new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');

/** (unverified wording) */
export const invalidName = (name: string) =>
  new ArmError(
    400,
    'InvalidContainerGroupName',
    `The container group name '${name}' is invalid. The container group name must contain no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name').`,
  );

/** (unverified wording) */
export const containersMissing = (group: string) =>
  new ArmError(400, 'ContainerGroupContainersMissing', `The container group '${group}' must contain at least one container.`);

/** (verified: virtual-kubelet/virtual-kubelet#50 — ACI's own "contain group" typo included) */
export const requestNotSpecified = (what: 'Cpu' | 'MemoryInGB', container: string, group: string) =>
  new ArmError(
    400,
    'ResourceSomeRequestsNotSpecified',
    `The '${what}' request is not specified in 'Microsoft.Azure.CloudConsole.Providers.Common.Entities.ComputeResources' in container '${container}' of contain group '${group}'. It is required since API version '2017-07-01-preview'.`,
  );

/** More than a group may have in the region (verified: virtual-kubelet/virtual-kubelet#592, MicrosoftDocs/azure-docs#24776). */
export const resourceUnavailable = (location: string, cpu: number, memory: number) =>
  new ArmError(
    409,
    'ServiceUnavailable',
    `The requested resource is not available in the location '${location}' at this moment. Please retry with a different resource request or in another location. Resource requested: '${cpu}' CPU '${memory}' GB memory 'Linux' OS`,
  );

/** (verified: virtual-kubelet/virtual-kubelet#296) */
export const envValueAndSecureValue = (variable: string, container: string, group: string) =>
  new ArmError(
    400,
    'InvalidEnvironmentVariable',
    `The environment variable '${variable}' in container '${container}' of container group '${group}' is invalid. One and only one property of 'value' and 'secureValue' can be specified in an environment variable.`,
  );

/** Message verified (Azure/aci-deploy#29, #89); the code is (unverified). */
export const invalidEnvName = (container: string, group: string) =>
  new ArmError(
    400,
    'InvalidEnvironmentVariableName',
    `The environment variable name in container '${container}' of container group '${group}' is invalid. A valid environment variable name must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName').`,
  );

/** ARM's standard not-found text (verified). */
export const groupNotFound = (name: string, resourceGroup: string) =>
  new ArmError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ContainerInstance/containerGroups/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

/** (unverified wording) */
export const containerNotFound = (container: string, group: string) =>
  new ArmError(404, 'ContainerNotFound', `The container '${container}' is not found in container group '${group}'.`);
