import type { DockerClient } from './dockerClient';
import { LABEL_DEPLOYMENT, LABEL_PROJECT } from './plan';

/**
 * Whether a container or image carries this deployment's labels. Ids come from record files,
 * which anyone can edit or commit: only what we labelled is ever removed. Gone or unreadable
 * counts as "not ours".
 */
export async function isOurs(
  docker: Pick<DockerClient, 'getContainer' | 'getImage'>,
  kind: 'container' | 'image',
  id: string,
  root: string,
  deployment: string,
): Promise<boolean> {
  try {
    const labels =
      kind === 'container' ? (await docker.getContainer(id).inspect()).Config.Labels : (await docker.getImage(id).inspect()).Config.Labels;
    return labels?.[LABEL_PROJECT] === root && labels?.[LABEL_DEPLOYMENT] === deployment;
  } catch {
    return false;
  }
}
