import { invalidResourceTypeForVersion, noRegisteredProvider } from './errors';

/**
 * Which api-versions each resource provider namespace serves. ARM refuses any other version
 * before the request reaches the provider, naming the versions it does serve.
 */
export class Providers {
  private readonly versions = new Map<string, string[]>();

  register(namespace: string, apiVersions: string[]): void {
    const key = namespace.toLowerCase();
    this.versions.set(key, [...new Set([...(this.versions.get(key) ?? []), ...apiVersions])]);
  }

  knows(namespace: string): boolean {
    return this.versions.has(namespace.toLowerCase());
  }

  /** Throws ARM's error when `apiVersion` is not served for the path's provider. */
  check(path: string, method: string, apiVersion: string, location: string): void {
    const target = providerOf(path);
    if (!target) return;
    const supported = this.versions.get(target.namespace.toLowerCase());
    if (!supported || supported.includes(apiVersion)) return;
    if (method === 'PUT') throw noRegisteredProvider(location, apiVersion, target.type, supported, [location]);
    throw invalidResourceTypeForVersion(target.type, target.namespace, apiVersion, supported);
  }
}

/** The namespace and resource type of a path: its last `/providers/{Namespace}/{type}[/…]`. */
export function providerOf(path: string): { namespace: string; type: string } | undefined {
  const segments = path.split('/').filter(Boolean);
  let i = -1;
  segments.forEach((s, index) => {
    if (s.toLowerCase() === 'providers' && index + 1 < segments.length) i = index;
  });
  if (i < 0) return undefined;
  const namespace = segments[i + 1]!;
  // The type is every other segment after the namespace: containerGroups/x/containers/y/logs → containerGroups/containers/logs.
  const rest = segments.slice(i + 2);
  const type = rest.filter((_, k) => k % 2 === 0).join('/');
  return { namespace, type };
}
