import { invalidRequestContent } from '../errors';
import { checkCredentialIdentities, parseIdentity, type GroupIdentitySpec } from './identity';
import {
  containersMissing,
  envValueAndSecureValue,
  invalidEnvName,
  invalidName,
  locationRequired,
  requestNotSpecified,
  resourceUnavailable,
} from './errors';

/**
 * A container group PUT body, checked the way the service checks it (2023-05-01 shapes,
 * azure-rest-api-specs containerInstance.json) and kept whole, secure values included: the
 * double runs containers from it.
 */
export interface EnvVar {
  name: string;
  value?: string;
  secureValue?: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  environmentVariables: EnvVar[];
  cpu: number;
  memoryInGB: number;
  /** Everything else the caller sent under properties (ports, volumeMounts…), echoed back. */
  extra: Record<string, unknown>;
}

export interface RegistryCredential {
  server: string;
  username?: string;
  password?: string;
  identity?: string;
}

export interface GroupSpec {
  location: string;
  tags: Record<string, string>;
  identity?: GroupIdentitySpec;
  osType: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  sku: string;
  containers: ContainerSpec[];
  imageRegistryCredentials: RegistryCredential[];
  /** Other group properties (ipAddress, volumes, diagnostics…), echoed back. */
  extra: Record<string, unknown>;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
/** Per-group maximum of a standard Linux group in most regions (container-instances-region-availability). */
export const MAX_GROUP_CPU = 4;
export const MAX_GROUP_MEMORY_GB = 16;

export function validName(name: string): void {
  if (name.length > 63 || !NAME.test(name)) throw invalidName(name);
}

export function parseGroup(name: string, body: unknown): GroupSpec {
  validName(name);
  if (!isObject(body)) throw invalidRequestContent("Required property 'properties' not found in JSON. Path '', line 1, position 2.");
  if (typeof body.location !== 'string' || body.location === '') throw locationRequired();
  const props = body.properties;
  if (!isObject(props)) throw invalidRequestContent("Required property 'properties' not found in JSON. Path '', line 1, position 2.");
  const { containers, imageRegistryCredentials, osType, restartPolicy, sku, ...extra } = props;
  if (typeof osType !== 'string') throw invalidRequestContent("Required property 'osType' not found in JSON. Path 'properties'.");
  if (!['Linux', 'Windows'].includes(osType)) throw conversionError(osType, 'OperatingSystemTypes', 'properties.osType');
  const policy = restartPolicy ?? 'Always';
  if (typeof policy !== 'string' || !(RESTART_POLICIES as readonly string[]).includes(policy)) {
    throw conversionError(policy, 'ContainerGroupRestartPolicy', 'properties.restartPolicy');
  }
  if (!Array.isArray(containers) || containers.length === 0) throw containersMissing(name);
  const parsed = containers.map((c) => parseContainer(c, name));
  const cpu = parsed.reduce((sum, c) => sum + c.cpu, 0);
  const memory = parsed.reduce((sum, c) => sum + c.memoryInGB, 0);
  if (cpu > MAX_GROUP_CPU || memory > MAX_GROUP_MEMORY_GB) throw resourceUnavailable(body.location, cpu, memory);
  const creds = Array.isArray(imageRegistryCredentials) ? imageRegistryCredentials : [];
  const identity = parseIdentity(body.identity);
  const registryCredentials: RegistryCredential[] = creds.filter(isObject).map((c) => ({
    server: String(c.server ?? ''),
    ...(typeof c.username === 'string' ? { username: c.username } : {}),
    ...(typeof c.password === 'string' ? { password: c.password } : {}),
    ...(typeof c.identity === 'string' ? { identity: c.identity } : {}),
  }));
  checkCredentialIdentities(name, identity, registryCredentials);
  return {
    location: body.location,
    tags: isObject(body.tags) ? (Object.fromEntries(Object.entries(body.tags).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {},
    ...(identity ? { identity } : {}),
    osType,
    restartPolicy: policy as GroupSpec['restartPolicy'],
    sku: typeof sku === 'string' ? sku : 'Standard',
    containers: parsed,
    imageRegistryCredentials: registryCredentials,
    extra,
  };
}

function parseContainer(raw: unknown, group: string): ContainerSpec {
  if (!isObject(raw) || typeof raw.name !== 'string') throw invalidRequestContent("Required property 'name' not found in JSON. Path 'properties.containers[0]'.");
  const name = raw.name;
  validName(name);
  const props = isObject(raw.properties) ? raw.properties : {};
  const { image, command, environmentVariables, resources, ...extra } = props;
  if (typeof image !== 'string' || image === '') throw invalidRequestContent(`Required property 'image' not found in JSON. Path 'properties.containers[${name}].properties'.`);
  const requests = isObject(resources) && isObject(resources.requests) ? resources.requests : {};
  if (typeof requests.memoryInGB !== 'number') throw requestNotSpecified('MemoryInGB', name, group);
  if (typeof requests.cpu !== 'number') throw requestNotSpecified('Cpu', name, group);
  const env = (Array.isArray(environmentVariables) ? environmentVariables : []).map((e): EnvVar => {
    if (!isObject(e) || typeof e.name !== 'string' || !ENV_NAME.test(e.name)) throw invalidEnvName(name, group);
    const hasValue = typeof e.value === 'string';
    const hasSecure = typeof e.secureValue === 'string';
    if (hasValue === hasSecure) throw envValueAndSecureValue(e.name, name, group);
    return hasValue ? { name: e.name, value: e.value as string } : { name: e.name, secureValue: e.secureValue as string };
  });
  return {
    name,
    image,
    ...(Array.isArray(command) && command.length > 0 ? { command: command.map(String) } : {}),
    environmentVariables: env,
    cpu: requests.cpu,
    memoryInGB: requests.memoryInGB,
    extra: { ...extra, resources },
  };
}

/** Json.NET's words for an enum value it cannot read, as ARM passes them on. */
function conversionError(value: unknown, type: string, path: string) {
  return invalidRequestContent(`Error converting value ${JSON.stringify(value)} to type 'Microsoft.Azure.CloudConsole.Providers.Common.Entities.${type}'. Path '${path}'`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
