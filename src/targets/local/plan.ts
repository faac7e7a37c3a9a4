import { ownerTags, type Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { defaultBaseImage } from '../image/baseImage';
import { buildInputsHash, type BuildInputsFactory } from '../image/buildInputs';
import { withOwnerLabels } from '../image/ownerLabels';
import type { Plan, PlanOptions } from '../Target';
import type { LocalPlanDetails } from './details';
import { withDefaults, type EffectiveLocalSettings, type LocalSettings } from './settings';

export const containerName = (name: string): string => `rdeploy-${name}`;
export const imageRepository = (name: string): string => `rdeploy/${name}`;

export { defaultBaseImage };

/** Pure: everything a local deploy will do, as data, including the requests it will send to the engine. */
export function planLocal(project: RProject, options: PlanOptions, buildInputs: BuildInputsFactory): Plan<LocalPlanDetails> {
  const settings = withDefaults(options.settings as LocalSettings);
  const baseImage = options.baseImage ?? defaultBaseImage(project);
  const owner: Owner = { root: project.root, name: options.name };
  const generated = buildInputs(project, { baseImage, mode: 'http', ...(options.exclude ? { exclude: options.exclude } : {}) });
  const build = { ...generated, dockerfile: withOwnerLabels(generated.dockerfile, owner) };
  const port = settings.port;
  const details: LocalPlanDetails = {
    imageTag: `${imageRepository(options.name)}:${buildInputsHash(build)}`,
    container: containerName(options.name),
    port,
    baseImage,
    settings,
    build,
    ...(build.runtime ? { runtime: { image: build.runtime.tag, baseImage: build.runtime.baseImage, shared: true as const, builtWhenMissing: true as const } } : {}),
  };
  return {
    target: 'local',
    name: options.name,
    project,
    runtimeMode: 'http',
    baseImage,
    resources: [
      { kind: 'image', id: details.imageTag, description: `Docker image built FROM ${baseImage}` },
      {
        kind: 'container',
        id: details.container,
        description: `serves POST /invocations on 127.0.0.1:${port || '<a free port>'} (host network)`,
      },
    ],
    requests: [
      ...(build.runtime
        ? [{ service: 'docker', operation: 'ImageBuild', target: build.runtime.tag, body: runtimeBuildRequest(build.runtime.tag), shared: { onlyWhenMissing: true as const } }]
        : []),
      { service: 'docker', operation: 'ImageBuild', target: details.imageTag, body: imageBuildRequest(details) },
      { service: 'docker', operation: 'ContainerCreate', target: details.container, body: containerCreateRequest(details.imageTag, port, owner, settings) },
    ],
    settings: { ...settings },
    dockerfiles: { image: build.dockerfile, ...(build.runtime ? { runtime: build.runtime.dockerfile } : {}) },
    details,
  };
}

/**
 * The shared runtime image's build parameters (the context is install.R's inputs only), sent
 * only when the tag is missing, under a host-wide lock (image/runtimeImage.ts).
 */
export function runtimeBuildRequest(tag: string) {
  return { t: tag, dockerfile: '.rdeploy-build/Dockerfile', networkmode: 'host', rm: true, forcerm: true };
}

/**
 * The engine's build parameters (the context is the project folder plus the generated files). The
 * owner's labels are the Dockerfile's last instruction (see ownerLabels.ts), not build labels.
 */
export function imageBuildRequest(details: LocalPlanDetails) {
  return { t: details.imageTag, dockerfile: '.rdeploy-build/Dockerfile', networkmode: 'host', rm: true, forcerm: true };
}

/**
 * The container, exactly as created: host network, bound to 127.0.0.1 by the runtime; an init
 * process as PID 1 (signals reach R, `docker stop` takes under a second); restarted when the
 * model process fails (never after a stop); memory, CPU and log size bounded.
 */
export function containerCreateRequest(image: string, port: number, owner: Owner, s: EffectiveLocalSettings) {
  return {
    Image: image,
    Env: [`PORT=${port}`, 'RDEPLOY_HOST=127.0.0.1', `RDEPLOY_WORKERS=${s.workers}`, `RDEPLOY_MAX_PAYLOAD_BYTES=${maxPayloadBytes(s)}`],
    Labels: ownerTags(owner),
    Tty: false,
    HostConfig: {
      NetworkMode: 'host',
      Init: true,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
      Memory: s.memoryMb * 1024 * 1024,
      NanoCpus: Math.round(s.cpus * 1e9),
      LogConfig: { Type: 'json-file', Config: { 'max-size': `${s.logMaxSizeMb}m`, 'max-file': String(s.logMaxFiles) } },
    },
  };
}

export function maxPayloadBytes(s: Pick<EffectiveLocalSettings, 'maxPayloadMb'>): number {
  return Math.round(s.maxPayloadMb * 1024 * 1024);
}

/**
 * A short hash of what goes into the image besides the project files, so that a changed
 * lockfile or runtime gives a new tag. Project files are not hashed here (plan stays pure);
 * deploy removes the image a tag used to point to.
 */
