import { AppError } from '../../core/errors';
import { dockerStatus } from '../image/dockerClient';
import type { EngineProbe } from './engineCheck';
import { splitReference } from './registrySize';
import { notOk, ok, type CheckResult } from './types';

const TITLE = 'Base image';

/**
 * Whether the image the deploy builds FROM is on this machine. Absent is only a warning: the
 * first deploy pulls it. Never pulled here: a check must not download hundreds of MB.
 */
export async function checkBaseImage(
  image: string,
  engine: EngineProbe | undefined,
  sizeOf: (image: string) => Promise<number | undefined>,
): Promise<CheckResult> {
  if (!engine) return notOk('skip', 'base-image', TITLE, `${image}: not checked, the Docker engine did not answer`);
  try {
    const info = await engine.getImage(image).inspect();
    return ok('base-image', TITLE, `${image} is on this machine${info.Size ? ` (${mb(info.Size)})` : ''}`);
  } catch (e) {
    if (dockerStatus(e) !== 404) {
      const why = e instanceof AppError || e instanceof Error ? e.message : String(e);
      return notOk('warn', 'base-image', TITLE, `${image}: the engine could not say whether it is here (${why})`, 'Check the image name, or run `docker image inspect` on it.');
    }
  }
  const { host } = splitReference(image);
  const where = host === 'registry-1.docker.io' ? 'Docker Hub' : host;
  const size = await sizeOf(image);
  const about = size ? `about ${mb(size)}` : `size unknown: ${where} did not answer this machine`;
  return notOk(
    'warn',
    'base-image',
    TITLE,
    `${image} is not on this machine: it will be pulled from ${where} at the first deploy (${about})`,
    `Nothing to do, or pull it now with \`docker pull ${image}\` so the first deploy is faster.`,
  );
}

function mb(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}
