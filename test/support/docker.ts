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
