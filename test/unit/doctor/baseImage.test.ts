import { describe, expect, it } from 'vitest';
import { checkBaseImage } from '../../../src/targets/doctor/baseImageCheck';
import type { EngineProbe } from '../../../src/targets/doctor/engineCheck';
import { remoteImageSize, splitReference, type FetchLike } from '../../../src/targets/doctor/registrySize';

/** An engine whose images are `present`; any other answers 404 "No such image", as dockerode reports it. */
function engineWith(present: Record<string, number>): EngineProbe {
  return {
    version: async () => ({}),
    getImage: (name) => ({
      inspect: async () => {
        if (name in present) return { Size: present[name] };
        throw Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${name}`), { statusCode: 404, json: { message: `No such image: ${name}` } });
      },
    }),
  };
}

describe('doctor: the base image', () => {
  it('on this machine: ok with its size', async () => {
    const c = await checkBaseImage('rocker/r-ver:4.3.1', engineWith({ 'rocker/r-ver:4.3.1': 843_000_000 }), async () => undefined);
    expect(c).toEqual({ id: 'base-image', title: 'Base image', status: 'ok', detail: 'rocker/r-ver:4.3.1 is on this machine (843 MB)' });
  });

  it('absent: a warning that the first deploy pulls it, with the download size, never a pull', async () => {
    const asked: string[] = [];
    const c = await checkBaseImage('rocker/r-ver:4.3.1', engineWith({}), async (image) => (asked.push(image), 287_400_000));
    expect(c).toMatchObject({ status: 'warn', detail: 'rocker/r-ver:4.3.1 is not on this machine: it will be pulled from Docker Hub at the first deploy (about 287 MB)' });
    expect(c.fix).toMatch(/docker pull rocker\/r-ver:4\.3\.1/);
    expect(asked).toEqual(['rocker/r-ver:4.3.1']);
  });

  it('absent and the registry silent: the size is unknown, and that registry is named', async () => {
    const c = await checkBaseImage('127.0.0.1:5000/team/r:4', engineWith({}), async () => undefined);
    expect(c.detail).toBe('127.0.0.1:5000/team/r:4 is not on this machine: it will be pulled from 127.0.0.1:5000 at the first deploy (size unknown: 127.0.0.1:5000 did not answer this machine)');
  });

  it('no engine: skipped', async () => {
    expect(await checkBaseImage('rocker/r-ver:4.3.1', undefined, async () => 1)).toMatchObject({ status: 'skip' });
  });
});

/**
 * A registry double speaking the distribution API as Docker Hub does: 401 with a Bearer
 * challenge, an anonymous token from the realm, a multi-platform index, then the manifest.
 */
function hub(): { fetch: FetchLike; requests: { url: string; headers: Record<string, string> }[] } {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), json: async () => body });
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, headers: init.headers });
    if (url.startsWith('https://auth.docker.io/token')) return res(200, { token: 'anon-token' });
    if (init.headers.Authorization !== 'Bearer anon-token') {
      return res(401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:rocker/r-ver:pull"' });
    }
    if (url === 'https://registry-1.docker.io/v2/rocker/r-ver/manifests/4.3.1') {
      return res(200, {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { digest: 'sha256:aaa', size: 1000, platform: { os: 'linux', architecture: 'arm64' } },
          { digest: 'sha256:bbb', size: 1000, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      });
    }
    if (url === 'https://registry-1.docker.io/v2/rocker/r-ver/manifests/sha256:bbb') {
      return res(200, { config: { size: 5_000 }, layers: [{ size: 30_000_000 }, { size: 250_000_000 }] });
    }
    return res(404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
  };
  return { fetch, requests };
}

describe('doctor: the size of a base image not on this machine', () => {
  it("sums the compressed layers of the engine's platform, with an anonymous token", async () => {
    const double = hub();
    expect(await remoteImageSize('rocker/r-ver:4.3.1', { fetch: double.fetch, timeoutMs: 1000, arch: 'amd64' })).toBe(280_005_000);
    expect(double.requests[0]!.headers.Accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(double.requests[1]!.url).toBe('https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Arocker%2Fr-ver%3Apull');
  });

  it('undefined when the registry is unreachable, slow, or has no such image', async () => {
    const down: FetchLike = async () => Promise.reject(new TypeError('fetch failed'));
    expect(await remoteImageSize('rocker/r-ver:4.3.1', { fetch: down, timeoutMs: 1000 })).toBeUndefined();
    const slow: FetchLike = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    expect(await remoteImageSize('rocker/r-ver:4.3.1', { fetch: slow, timeoutMs: 50 })).toBeUndefined();
    expect(await remoteImageSize('rocker/r-ver:0.0.0', { fetch: hub().fetch, timeoutMs: 1000 })).toBeUndefined();
  });

  it('splits references the way Docker does', () => {
    expect(splitReference('ubuntu')).toEqual({ host: 'registry-1.docker.io', repository: 'library/ubuntu', reference: 'latest' });
    expect(splitReference('rocker/r-ver:4.3.1')).toEqual({ host: 'registry-1.docker.io', repository: 'rocker/r-ver', reference: '4.3.1' });
    expect(splitReference('localhost:5000/r/base@sha256:abc')).toEqual({ host: 'localhost:5000', repository: 'r/base', reference: 'sha256:abc' });
    expect(splitReference('ghcr.io/rocker-org/r-ver')).toEqual({ host: 'ghcr.io', repository: 'rocker-org/r-ver', reference: 'latest' });
  });
});
