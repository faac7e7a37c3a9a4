import { AppError } from '../../core/errors';

/** What went wrong in a push, as far as the engine's error text tells. */
export type PushFailure =
  | 'credentials-missing'
  | 'credentials-rejected'
  | 'denied'
  | 'repository-missing'
  | 'unreachable'
  | 'plain-http'
  | 'untrusted-certificate'
  | 'image-missing'
  | 'other';

/**
 * Reads the engine's error text (the `errorDetail.message` of the push stream). The texts are
 * the ones real registries send through dockerd: the distribution registry ("no basic auth
 * credentials", "unauthorized: authentication required"), Docker Hub ("denied: requested access
 * to the resource is denied", "unauthorized: incorrect username or password"), GHCR, ECR, Harbor.
 * Permission texts are checked before "unauthorized", because Harbor words a missing push
 * permission as "unauthorized: unauthorized to access repository".
 */
export function classifyPushFailure(text: string, hasCredentials: boolean): PushFailure {
  if (/An image does not exist locally|No such image/i.test(text)) return 'image-missing';
  if (/server gave HTTP response to HTTPS client/i.test(text)) return 'plain-http';
  if (/x509:|certificate (signed by unknown authority|is not valid|has expired)|tls: /i.test(text)) return 'untrusted-certificate';
  if (/no basic auth credentials/i.test(text)) return hasCredentials ? 'credentials-rejected' : 'credentials-missing';
  if (/^denied\b|access to the resource is denied|not authorized to perform|unauthorized to access repository|insufficient[_ ]scope|permission[_ ]denied|\bforbidden\b|\b403\b/i.test(text)) {
    return 'denied';
  }
  if (/^unauthorized\b|authentication required|incorrect username or password|\b401\b|invalid username\/password/i.test(text)) {
    return hasCredentials ? 'credentials-rejected' : 'credentials-missing';
  }
  if (/name unknown|repository .* does not exist|NAME_UNKNOWN/i.test(text)) return 'repository-missing';
  if (/connection refused|no such host|i\/o timeout|network is unreachable|no route to host|Client\.Timeout|connection reset|dial tcp|TLS handshake timeout|"https?:\/\/[^"]*": EOF$/i.test(text)) {
    return 'unreachable';
  }
  return 'other';
}

export interface PushErrorContext {
  /** The registry host, e.g. 127.0.0.1:5000. */
  registry: string;
  /** The repository being pushed, without a tag. */
  repository: string;
  hasCredentials: boolean;
  /** Values that must never appear in what a user reads: the password, the encoded auth header. */
  secrets: readonly string[];
}

/** Replaces every secret in a text (and any user:password@ in a URL) with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@');
  // Longest first, so a secret that contains another is not left half-visible.
  for (const s of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/**
 * The one sentence for a failed push: what is wrong and what to do. The engine's text is kept
 * only as the (redacted) cause, and in the sentence only when nothing better can be said.
 */
export function pushFailureError(engineText: string, ctx: PushErrorContext): AppError {
  const text = redact(engineText.trim(), ctx.secrets);
  const cause = new Error(text);
  const { registry, repository } = ctx;
  switch (classifyPushFailure(text, ctx.hasCredentials)) {
    case 'image-missing':
      return new AppError('not-found', `The image to push is not in Docker any more: build it again, then push.`, { cause });
    case 'credentials-missing':
      return new AppError('deploy-failed', `The registry ${registry} requires a login: give a username and password (or access token) for it, then push again.`, { cause });
    case 'credentials-rejected':
      return new AppError(
        'deploy-failed',
        `The registry ${registry} rejected the username and password: check them (an access token may have expired), then push again.`,
        { cause },
      );
    case 'denied':
      return new AppError(
        'deploy-failed',
        `The registry ${registry} did not allow these credentials to push to ${repository}: ask for push permission on that repository (or create it first, if the registry requires that), then push again.`,
        { cause },
      );
    case 'repository-missing':
      return new AppError('deploy-failed', `The repository ${repository} does not exist in ${registry}: create it there first, then push again.`, { cause });
    case 'unreachable':
      return new AppError(
        'deploy-failed',
        `Docker cannot reach the registry ${registry}: check the registry address and port and that the registry is running, then push again.`,
        { cause },
      );
    case 'plain-http':
      return new AppError(
        'deploy-failed',
        `The registry ${registry} answers over plain HTTP, which Docker refuses for registries other than 127.0.0.1 or localhost: serve it over HTTPS, or add it to "insecure-registries" in Docker's daemon.json.`,
        { cause },
      );
    case 'untrusted-certificate':
      return new AppError(
        'deploy-failed',
        `Docker does not trust the TLS certificate of the registry ${registry}: put its CA certificate in /etc/docker/certs.d/${registry}/ca.crt on the Docker host, then push again.`,
        { cause },
      );
    case 'other':
      return new AppError('deploy-failed', `Docker could not push the image to ${registry}: ${text.replace(/\s+/g, ' ').replace(/\.$/, '')}.`, { cause });
  }
}
