import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeAuth, secretsOf, type RegistryCredentials } from '../../../src/targets/image/push';
import { classifyPushFailure, pushFailureError, redact, type PushFailure } from '../../../src/targets/image/pushErrors';

const REGISTRY = 'registry.example.com:5000';
const CREDENTIALS: RegistryCredentials = { username: 'ci-bot', password: 'p@ss/w0rd+Secret=' };
const SECRETS = secretsOf(CREDENTIALS, REGISTRY);

/**
 * The engine's `errorDetail.message` of a failed push, as dockerd prints it. The distribution
 * registry ones were captured here from dockerd 20.10 pushing to docker-registry 2.8; the others
 * are the texts users report from those registries (Docker Hub, GHCR, ECR, Harbor, ACR).
 */
const ENGINE_TEXTS: Array<[string, PushFailure, boolean]> = [
  ['no basic auth credentials', 'credentials-missing', false],
  ['unauthorized: authentication required', 'credentials-rejected', true],
  ['unauthorized: authentication required', 'credentials-missing', false],
  ['unauthorized: incorrect username or password', 'credentials-rejected', true],
  ['unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.', 'credentials-rejected', true],
  ['denied: requested access to the resource is denied', 'denied', true],
  ['denied: permission_denied: write_package', 'denied', true],
  ['denied: installation not allowed to Write organization package', 'denied', true],
  [
    'denied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:123456789012:repository/mtcars',
    'denied',
    true,
  ],
  ['unauthorized: unauthorized to access repository: myapp/mysql, action: push: unauthorized to access repository: myapp/mysql, action: push', 'denied', true],
  ["name unknown: The repository with name 'mtcars' does not exist in the registry with id '123456789012'", 'repository-missing', true],
  ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable', true],
  ['Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid on 10.255.255.53:53: no such host', 'unreachable', false],
  ['Get "https://registry.example.com/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)', 'unreachable', true],
  ['Get "https://registry.example.com:5000/v2/": http: server gave HTTP response to HTTPS client', 'plain-http', true],
  ['Get "https://registry.example.com/v2/": x509: certificate signed by unknown authority', 'untrusted-certificate', true],
  ['An image does not exist locally with the tag: registry.example.com:5000/rdeploy/mtcars', 'image-missing', false],
  ['blob upload unknown: blob upload invalid', 'other', true],
];

/** Everything a user could see: the message, String(), JSON and inspect() down the cause chain. */
function rendered(e: unknown): string {
  const parts: string[] = [inspect(e, { depth: 10 })];
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) parts.push(String(c), (c as Error).message, JSON.stringify(c));
  return parts.join('\n');
}

describe('push error mapping', () => {
  it.each(ENGINE_TEXTS)('reads %j as %s', (text, kind, hasCredentials) => {
    expect(classifyPushFailure(text, hasCredentials)).toBe(kind);
  });

  it.each(ENGINE_TEXTS)('turns %j into one sentence without any form of the password', (text, _kind, hasCredentials) => {
    const e = pushFailureError(text, { registry: REGISTRY, repository: `${REGISTRY}/rdeploy/mtcars`, hasCredentials, secrets: SECRETS });
    expect(e.message.split(/(?<=[.:]) (?=[A-Z])/).length).toBe(1); // one sentence
    expect(e.message).not.toContain('\n');
    expect(e.message).toMatch(/\.$/);
    const all = rendered(e);
    for (const secret of [CREDENTIALS.password, encodeAuth(CREDENTIALS, REGISTRY), Buffer.from('ci-bot:p@ss/w0rd+Secret=').toString('base64')]) {
      expect(all).not.toContain(secret);
    }
  });

  it('says what to do for each kind', () => {
    const ctx = { registry: REGISTRY, repository: `${REGISTRY}/rdeploy/mtcars`, hasCredentials: true, secrets: SECRETS };
    expect(pushFailureError('unauthorized: authentication required', ctx).message).toMatch(/rejected the username and password: check them/);
    expect(pushFailureError('denied: requested access to the resource is denied', ctx).message).toMatch(/ask for push permission on that repository/);
    expect(pushFailureError('dial tcp 10.0.0.1:5000: i/o timeout', ctx).message).toMatch(/cannot reach the registry registry\.example\.com:5000/);
    expect(pushFailureError('no basic auth credentials', { ...ctx, hasCredentials: false }).message).toMatch(/requires a login/);
  });

  it('redacts a password the engine echoes back, in a URL, plain or encoded', () => {
    const header = encodeAuth(CREDENTIALS, REGISTRY);
    const echoed = [
      `Get "https://ci-bot:${encodeURIComponent(CREDENTIALS.password)}@registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host`,
      `proxy said: bad header X-Registry-Auth: ${header}`,
      `upstream answered: invalid password ${CREDENTIALS.password}`,
      `Authorization: Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')} refused`,
    ];
    for (const text of echoed) {
      const e = pushFailureError(text, { registry: REGISTRY, repository: `${REGISTRY}/x`, hasCredentials: true, secrets: SECRETS });
      const all = rendered(e);
      expect(all).not.toContain(CREDENTIALS.password);
      expect(all).not.toContain(encodeURIComponent(CREDENTIALS.password));
      expect(all).not.toContain(header);
      expect(all).not.toContain(Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64'));
    }
    // The fallback quotes the engine's text, redacted, so the user still learns what happened.
    const other = pushFailureError(`upstream answered: invalid password ${CREDENTIALS.password}`, { registry: REGISTRY, repository: 'r', hasCredentials: true, secrets: SECRETS });
    expect(other.message).toBe(`Docker could not push the image to ${REGISTRY}: upstream answered: invalid password ***.`);
  });

  it('redact leaves a text without secrets alone', () => {
    expect(redact('unauthorized: authentication required', SECRETS)).toBe('unauthorized: authentication required');
    expect(redact('x', [''])).toBe('x');
  });
});
