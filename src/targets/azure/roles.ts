import { createHash } from 'node:crypto';

/** Pulls images from an Azure Container Registry, nothing else. */
export const ACR_PULL_ROLE = 'AcrPull';

/** A role assignment's name is a GUID; ours derive from what they grant, so a redeploy finds the same one. */
export function roleAssignmentName(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  // Shaped as a version-5-like GUID (ARM only checks the GUID form).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
