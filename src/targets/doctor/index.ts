import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { defaultDeploymentName } from '../../core/names';
import { isProjectDir } from '../../core/project/findProjects';
import type { RProject } from '../../core/project/model';
import { listDir } from '../../core/project/walk';
import type { RPathInput } from '../../core/rPath';
import { catalogueEntry, type CatalogueEntry } from '../catalogue';
import { resolveSettings, type Config } from '../config';
import type { EngineInputs } from '../image/engine';
import { connectDocker, systemEngineInputs } from '../image/engineConnect';
import { checkBaseImage } from './baseImageCheck';
import { checkEngine, type ConnectEngine, type EngineProbe } from './engineCheck';
import { checkProject, type ProjectFindings } from './projectCheck';
import { checkR, systemRProbe, type RProbe } from './rCheck';
import { remoteImageSize, type FetchLike } from './registrySize';
import { standardConnections } from '../connections';
import { checkTarget } from './targetCheck';
import { notOk, type CheckResult, type DoctorReport } from './types';

export type { CheckResult, CheckStatus, DoctorReport } from './types';
export { formatCheck, formatReport } from './format';

export interface DoctorOptions {
  /** The R project folder (relative to `cwd`); default: `cwd` when it is an R project. */
  dir?: string;
  /** Default: process.cwd(). */
  cwd?: string;
  /** A target kind from the catalogue; default: rdeploy.json "target", else local. */
  target?: string;
  /** As `--base-image`; default: rdeploy.json "baseImage", else what the target's plan uses. */
  baseImage?: string;
  /** As `--handler`; default: rdeploy.json "handler", else score.score. */
  handler?: string;
  /** The extension's rdeploy.rPath and the R extension's r.rpath.* settings. */
  rPath?: Pick<RPathInput, 'setting' | 'rExtension'>;
  /** How to find the engine; default: the real environment, as the docker CLI reads it. */
  engineInputs?: EngineInputs;
  /** How long the engine may take to answer the ping (default 3 s: a doctor must answer quickly). */
  pingTimeoutMs?: number;
  /** How long the registry may take to say a missing base image's size (default 3 s). */
  registryTimeoutMs?: number;
  /** Seams for tests; production defaults otherwise. */
  connect?: ConnectEngine;
  r?: RProbe;
  fetch?: FetchLike;
}

/**
 * Checks what a deploy needs, one result each: the Docker endpoint and engine, R on this
 * machine, the project and its handler, the base image, the target. Never throws for what it
 * finds (that is a `fail` result); only a target kind the catalogue does not know is an error.
 *
 * Registry reachability is not checked: it matters only when images are pushed to a registry,
 * and this version has no registry setting. It belongs here once that setting exists.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const cwd = options.cwd ?? process.cwd();
  const inputs = options.engineInputs ?? systemEngineInputs();
  const connect: ConnectEngine = options.connect ?? ((i, timeoutMs) => connectDocker({ inputs: i, timeoutMs }));
  const [engine, project] = await Promise.all([
    checkEngine(inputs, connect, options.pingTimeoutMs ?? 3_000),
    findProject(options.dir, cwd, options.handler),
  ]);
  const r = await checkR(options.r ?? systemRProbe(options.rPath), project.project?.rVersion);
  const entry: CatalogueEntry = catalogueEntry(options.target ?? project.config?.target ?? 'local');
  const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike);
  const sizeOf = (image: string) => remoteImageSize(image, { fetch: fetchFn, timeoutMs: options.registryTimeoutMs ?? 3_000, arch: engine.arch });
  const base = await baseImageFor(entry, project, options.baseImage, engine.engine, sizeOf);
  const settings = targetSettings(entry, project.config);
  const target = await checkTarget(entry, settings, standardConnections(inputs));
  const checks = [...engine.checks, r, ...project.checks, base, ...target];
  return { ok: !checks.some((c) => c.status === 'fail'), checks };
}

async function findProject(dir: string | undefined, cwd: string, handler: string | undefined): Promise<ProjectFindings> {
  const root = path.resolve(cwd, dir ?? '.');
  if (dir !== undefined) {
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) return { checks: [notOk('fail', 'project', 'R project', `${root} is not a folder`, 'Pass the folder of your R project.')] };
  } else if (!(await isProjectDir(root, await listDir(root)))) {
    return { checks: [notOk('skip', 'project', 'R project', `${root} is not an R project`, "Run it in your R project's folder, or pass the folder: rdeploy doctor <dir>.")] };
  }
  return checkProject(root, handler);
}

async function baseImageFor(
  entry: CatalogueEntry,
  found: ProjectFindings,
  given: string | undefined,
  engine: EngineProbe | undefined,
  sizeOf: (image: string) => Promise<number | undefined>,
): Promise<CheckResult> {
  const skip = (why: string) => notOk('skip', 'base-image', 'Base image', why);
  if (!entry.target) return skip(`not checked: the ${entry.label} target is not available in this version`);
  const { project, config } = found;
  if (!project || !config) {
    return given ? checkBaseImage(given, engine, sizeOf) : skip('not checked: the default base image follows the R version of a project');
  }
  let image: string | undefined;
  try {
    image = planBaseImage(entry, project, config, given);
  } catch (e) {
    return notOk('fail', 'base-image', 'Base image', (e as Error).message.replace(/\.$/, ''), 'Fix the value in rdeploy.json or on the command line.');
  }
  return image ? checkBaseImage(image, engine, sizeOf) : skip(`not checked: the ${entry.label} target chooses the image it builds in (rdeploy plan shows it)`);
}

/** The base image exactly as a deploy would choose it: the target's own (pure) plan says. */
function planBaseImage(entry: CatalogueEntry, project: RProject, config: Config, given: string | undefined): string | undefined {
  const target = entry.target!();
  const kind = target.kind;
  const name = defaultDeploymentName(project.root, config.name) || 'doctor';
  const plan = target.plan(project, { name, baseImage: given ?? config.baseImage, exclude: config.exclude, settings: resolveSettings(kind, config) });
  return plan.baseImage;
}

/** The target's settings from rdeploy.json; a config that does not parse leaves them at their defaults (the project check says why). */
function targetSettings(entry: CatalogueEntry, config: Config | undefined): Record<string, unknown> {
  try {
    return resolveSettings(entry.kind, config ?? {});
  } catch {
    return {};
  }
}
