import { execFileSync } from 'node:child_process';

export const BASE_IMAGE = process.env.RDEPLOY_TEST_BASE_IMAGE ?? 'rdeploy-test/r-base:bookworm';

/**
 * End-to-end tests need the real engine and the local R base image (scripts/setup.sh provides
 * both). Their absence is a failure with a clear message, not a silent skip.
 */
export function requireEngineAndBaseImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(`e2e tests need a running Docker engine and the image ${BASE_IMAGE}: run \`npm run setup\` first.`);
  }
}

function lines(args: string[]): string[] {
  // stderr is captured, never inherited: a passing run prints no daemon errors.
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean);
}

export function containersOf(deployment: string): string[] {
  return lines(['ps', '-a', '-q', '--filter', `label=rdeploy-deployment=${deployment}`]);
}

export function imagesOf(deployment: string): string[] {
  return lines(['images', '-q', '--filter', `label=rdeploy-deployment=${deployment}`]);
}

/** Last-resort cleanup by label, for tests that failed half-way. */
export function removeByLabel(deployment: string): void {
  for (const c of containersOf(deployment)) execFileSync('docker', ['rm', '-f', c], { stdio: 'ignore' });
  for (const i of imagesOf(deployment)) {
    try {
      execFileSync('docker', ['rmi', '-f', i], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/** The layer digests of an image, bottom first. */
export function layersOf(image: string): string[] {
  return JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as string[];
}

/**
 * An image with a C library, /bin/sh and /etc/os-release and nothing else (13 MB): no R, no
 * libgcc, no BLAS. A Lambda package must run on it, since Lambda's provided.al2023 is as bare.
 * (Without os-release R's utils fails to load: .osVersion() falls back to running `which`.) Built from the base
 * image's own libc6 and dash files (no network), once per engine.
 */
export const GLIBC_ONLY_IMAGE = 'rdeploy-test/glibc-only:bookworm';
const GLIBC_ONLY_DOCKERFILE = `FROM ${BASE_IMAGE} AS os
RUN mkdir -p /min/tmp /min/var/task /min/opt /min/etc /min/usr/bin /min/usr/lib /min/usr/lib64 /min/usr/sbin && chmod 1777 /min/tmp && \\
    ln -s usr/bin /min/bin && ln -s usr/lib /min/lib && ln -s usr/lib64 /min/lib64 && ln -s usr/sbin /min/sbin && \\
    dpkg -L libc6 dash | while read -r f; do if [ ! -d "$f" ] && { [ -f "$f" ] || [ -L "$f" ]; }; then cp -a --parents "$f" /min/; fi; done && \\
    cp -a /bin/sh /min/usr/bin/sh && cp -a /etc/ld.so.conf /etc/ld.so.conf.d /etc/ld.so.cache /min/etc/ && cp -L /etc/os-release /min/etc/os-release
FROM scratch
COPY --from=os /min/ /
`;

export function ensureGlibcOnlyImage(): string {
  try {
    execFileSync('docker', ['image', 'inspect', GLIBC_ONLY_IMAGE], { stdio: 'ignore' });
  } catch {
    execFileSync('docker', ['build', '-q', '-t', GLIBC_ONLY_IMAGE, '-'], { input: GLIBC_ONLY_DOCKERFILE, stdio: ['pipe', 'ignore', 'pipe'] });
  }
  return GLIBC_ONLY_IMAGE;
}
