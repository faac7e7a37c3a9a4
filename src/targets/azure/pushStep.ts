import { pushImage, type RegistryCredentials } from '../image/push';
import type { DeployStep } from '../Target';

/**
 * The step that pushes the deployment's image to the registry an Azure target pulls from: it
 * creates the `image` resource (registry/repository:tag) and records the pushed digest as
 * `image` (registry/repository@sha256:…), which is what the cloud then runs.
 */
export function registryPushStep(v: { registry: string | undefined; repository: string; tag: string; imageId: () => string; login: () => RegistryCredentials }): DeployStep {
  return {
    title: `Pushing the image to ${v.registry ?? 'the registry'}`,
    creates: { kind: 'image', id: `${v.registry}/${v.repository}:${v.tag}` },
    run: async ({ ctx }) => {
      const repository = `${v.registry}/${v.repository}`;
      const pushed = await pushImage(await ctx.connections.docker(), { image: v.imageId(), repository, tag: v.tag, credentials: v.login(), signal: ctx.signal, progress: ctx.progress });
      return { id: `${repository}:${v.tag}`, details: { image: `${repository}@${pushed.digest}` } };
    },
  };
}
