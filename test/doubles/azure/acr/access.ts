import type { Rbac } from '../rbac';
import type { Access } from './tokens';

/**
 * What ACR lets a principal do, read from its role assignments on the registry's ARM scope (or
 * above), and what a registry request needs. Control-plane actions, as ACR checks them for
 * registries without ABAC repository permissions:
 * - pull (and metadata_read, catalog listing): Microsoft.ContainerRegistry/registries/pull/read —
 *   AcrPull, AcrPush, Reader, Contributor, Owner;
 * - push (and metadata_write): Microsoft.ContainerRegistry/registries/push/write — AcrPush,
 *   Contributor, Owner;
 * - delete: Microsoft.ContainerRegistry/registries/artifacts/delete — AcrDelete, Contributor, Owner.
 * An access token holds what was asked for AND allowed; what was not allowed is left out, not
 * refused (the registry token spec's behaviour: the request then fails with insufficient_scope).
 */
export const PULL = 'Microsoft.ContainerRegistry/registries/pull/read';
export const PUSH = 'Microsoft.ContainerRegistry/registries/push/write';
export const DELETE = 'Microsoft.ContainerRegistry/registries/artifacts/delete';

const ACTION_FOR: Record<string, string> = { pull: PULL, metadata_read: PULL, push: PUSH, metadata_write: PUSH, delete: DELETE };

export function grant(rbac: Rbac, principalId: string, registryId: string, wanted: Access[]): Access[] {
  const allows = (action: string) => rbac.allows(principalId, action, registryId);
  const out: Access[] = [];
  for (const w of wanted) {
    let actions: string[] = [];
    if (w.type === 'repository') {
      if (w.actions.includes('*')) actions = allows(PULL) && allows(PUSH) && allows(DELETE) ? ['*'] : Object.keys(ACTION_FOR).filter((a) => allows(ACTION_FOR[a]!));
      else actions = w.actions.filter((a) => ACTION_FOR[a] !== undefined && allows(ACTION_FOR[a]));
    } else if (w.type === 'registry' && w.name === 'catalog') {
      actions = allows(PULL) ? w.actions.filter((a) => a === '*') : [];
    }
    if (actions.length > 0) out.push({ type: w.type, name: w.name, actions });
  }
  return out;
}

/** The access a /v2/ request needs (undefined: only a valid token, as for GET /v2/). */
export function required(method: string, path: string): Access | undefined {
  if (path === '/v2/' || path === '/v2') return undefined;
  if (path === '/v2/_catalog') return { type: 'registry', name: 'catalog', actions: ['*'] };
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const action = method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
  return { type: 'repository', name: m[1]!, actions: [action] };
}

/** Whether the token's access covers the need (`*` covers any action). */
export function covers(held: Access[], need: Access): boolean {
  return held.some((h) => h.type === need.type && h.name === need.name && need.actions.every((a) => h.actions.includes(a) || h.actions.includes('*')));
}
