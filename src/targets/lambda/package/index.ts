import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppError } from '../../../core/errors';
import type { RProject } from '../../../core/project/model';
import { buildImage } from '../../image/buildImage';
import { generatedBuildInputs } from '../../image/generatedBuildInputs';
import { buildInputsHash } from '../../image/buildInputs';
import { buildProjectImage } from '../../image/projectImage';
import type { PackagedFile, PackageOptions, PackageResult, Packaging } from '../../Packaging';
import type { TargetContext } from '../../Target';
import { lambdaDefaults, type EffectiveLambdaSettings, type LambdaSettings } from '../settings';
import { defaultBuilder } from './builder';
import { collectFromImage, type CollectFacts } from './collect';
import { checkGlibc, compareVersions, glibcViolationError, newestGlibcNeed, parseGlibcVersion, type GlibcViolation } from './glibcGuard';
import { layoutPackage, type StagedFile } from './layout';
import { MANIFEST_FORMAT, strippingFacts, type LambdaManifest, type ManifestArtefact } from './manifest';
import { checkZipQuotas } from './quotas';
import { fileSha256, writeZip } from './zip';
import { LambdaTwin } from '../twin/twin';

export const MANIFEST_FILE = 'manifest.json';

/** Builds (or finds up to date) what the function runs, once; each start is a new environment: its own container and Runtime API. */
async function twinStarter(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<(c: TargetContext) => Promise<LambdaTwin>> {
  const settings = lambdaDefaults(options.settings as LambdaSettings);
  const docker = await ctx.connections.docker();
  const limits = { name: options.name, memoryMb: settings.memoryMb, timeoutSeconds: settings.timeoutSeconds };
  const signal = (c: TargetContext) => (c.signal ? { signal: c.signal } : {});
  if (settings.packageType === 'image') {
    // Image mode: the very image a deploy would push, run as Lambda runs it.
    const baseImage = options.builderImage ?? `rocker/r-ver:${project.rVersion ?? 'latest'}`;
    const inputs = generatedBuildInputs(project, { baseImage, mode: 'lambda', ...(options.exclude ? { exclude: options.exclude } : {}) });
    const image = await buildProjectImage(docker, { root: project.root, inputs, tag: `rdeploy-lambda/${options.name}:${buildInputsHash(inputs)}`, signal: ctx.signal, progress: ctx.progress });
    return async (c: TargetContext) => {
      c.progress?.report({ message: 'Starting the function image in local Docker (the local twin of Lambda)' });
      return LambdaTwin.startImage(docker, { ...limits, ...signal(c), image });
    };
  }
  const packaged = await lambdaPackaging.package(project, options, ctx);
  return async (c: TargetContext) => {
    c.progress?.report({ message: 'Starting the function in local Docker (the local twin of Lambda)' });
    return LambdaTwin.start(docker, { ...limits, ...signal(c), packageDir: packaged.out });
  };
}

/**
 * `rdeploy package --target lambda`: the project's image is built FROM the builder image by the
 * same pipeline as every target (so the packages are restored exactly as for a local deploy);
 * collect.sh gathers R, its shared libraries, the runtime and the packages out of it; the glibc
 * guard reads every shared object; the tree becomes layers and function.zip (layout.ts); the
 * quotas are checked; manifest.json says what is there.
 */
export const lambdaPackaging: Packaging = {
  async invokeLocal(project, options, payload, ctx) {
    const start = await twinStarter(project, options, ctx);
    const twin = await start(ctx);
    try {
      const result = await twin.invoke(payload, ctx.signal);
      const lines = await twin.logLines(200);
      return { ...result, logTail: lines.join('\n').slice(-4096) };
    } finally {
      await twin.close();
    }
  },

  prepareTwins: (project, options, ctx) => twinStarter(project, options, ctx),

  async package(project, options, ctx) {
    const settings = lambdaDefaults(options.settings as LambdaSettings);
    const out = path.resolve(options.out);
    const previous = await readPackageFolder(out);
    const docker = await ctx.connections.docker();
    const builderImage = await ensureBuilder(project, options, settings, ctx);
    const inputs = generatedBuildInputs(project, { baseImage: builderImage, mode: 'lambda', ...(options.exclude ? { exclude: options.exclude } : {}) });
    const imageId = await buildProjectImage(docker, {
      root: project.root,
      inputs,
      tag: `rdeploy-package/${options.name}:lambda`,
      what: 'Building the project on the builder image',
      signal: ctx.signal,
      progress: ctx.progress,
    });
    if (previous && (await upToDate(out, previous, imageId, settings))) {
      return result(out, previous, true, ['The package is up to date (same image, same settings): nothing was rebuilt.']);
    }
    const staging = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-package-'));
    try {
      ctx.progress?.report({ message: 'Collecting R, its libraries and your packages from the image' });
      const facts = await collectFromImage(docker, imageId, { packages: project.packages.map((p) => p.name), staging, signal: ctx.signal });
      checkArchitecture(facts, settings, builderImage);
      const files = await listStaged(staging);
      ctx.progress?.report({ message: `Checking ${files.length} files against glibc ${settings.glibcMax}` });
      const required = await guardGlibc(staging, files, settings.glibcMax);
      await clearPrevious(out, previous);
      const written: ManifestArtefact[] = [];
      for (const zip of layoutPackage(files)) {
        ctx.progress?.report({ message: `Writing ${zip.file}` });
        await mkdir(path.dirname(path.join(out, zip.file)), { recursive: true });
        const entries = zip.entries.map((e) => ({ source: path.join(staging, e.path), path: e.zipPath, size: e.size, mode: e.mode }));
        const w = await writeZip(path.join(out, zip.file), entries, ctx.signal);
        const kind = zip.name === 'function' ? 'function' : 'layer';
        written.push({ name: zip.name, kind, file: zip.file, ...w, extractTo: kind === 'function' ? '/var/task' : '/opt', upload: 'direct' });
      }
      const fn = written.find((a) => a.kind === 'function')!;
      const layers = written.filter((a) => a.kind === 'layer');
      const quotas = checkZipQuotas({ function: fn, layers, memoryMb: settings.memoryMb, timeoutSeconds: settings.timeoutSeconds });
      for (const a of written) a.upload = quotas.uploads.find((u) => u.name === a.name)?.upload ?? 'direct';
      const artefacts = [...layers, fn];
      const manifest: LambdaManifest = {
        format: MANIFEST_FORMAT,
        target: 'lambda',
        runtime: 'provided.al2023',
        architecture: settings.architecture,
        handler: project.handler,
        rVersion: facts.rVersion,
        builderImage,
        imageId,
        settings: { glibcMax: settings.glibcMax, architecture: settings.architecture },
        glibc: { max: settings.glibcMax, required },
        artefacts,
        totals: { zippedBytes: sum(artefacts, 'zippedBytes'), unzippedBytes: sum(artefacts, 'unzippedBytes'), layers: layers.length },
        stripping: strippingFacts(facts),
        missingLibraries: facts.missingLibraries,
        quotas: { ok: quotas.ok, problems: quotas.problems },
      };
      await writeFile(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      if (!quotas.ok) throw new AppError('build-failed', `The package in ${out} does not fit Lambda: ${quotas.problems[0]!.message}`);
      return result(out, manifest, false, notesFor(manifest));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  },
};

/** The builder image: the user's, or the default one, built once from its Dockerfile. */
async function ensureBuilder(project: RProject, options: PackageOptions, settings: EffectiveLambdaSettings, ctx: TargetContext): Promise<string> {
  if (options.builderImage) return options.builderImage;
  const builder = defaultBuilder(project, settings.architecture);
  const docker = await ctx.connections.docker();
  const exists = await docker.getImage(builder.tag).inspect().then(() => true, () => false);
  if (!exists) {
    await buildImage(docker, {
      root: project.root,
      generatedOnly: true,
      what: 'Building the Lambda builder image (Amazon Linux 2023 with R)',
      inputs: { dockerfile: builder.dockerfile, dockerignore: '', files: [] },
      tag: builder.tag,
      labels: {},
      signal: ctx.signal,
      progress: ctx.progress,
    });
  }
  return builder.tag;
}

/** Lambda calls it arm64, uname aarch64. */
function checkArchitecture(facts: CollectFacts, settings: EffectiveLambdaSettings, builderImage: string): void {
  const builderArch = facts.arch === 'aarch64' ? 'arm64' : facts.arch;
  if (builderArch !== settings.architecture) {
    throw new AppError(
      'build-failed',
      `The builder image ${builderImage} runs on ${facts.arch}, but the function is for ${settings.architecture}: the layers would not load. Use a builder image for ${settings.architecture}, or --set architecture=${builderArch}.`,
    );
  }
}

/** Every file under the staging folder, with "/" paths relative to it. */
async function listStaged(staging: string): Promise<StagedFile[]> {
  const out: StagedFile[] = [];
  for (const top of ['opt', 'task']) {
    const entries = await readdir(path.join(staging, top), { recursive: true, withFileTypes: true });
    for (const d of entries) {
      if (!d.isFile()) continue;
      const abs = path.join(d.parentPath, d.name);
      const s = await stat(abs);
      out.push({ path: path.relative(staging, abs).split(path.sep).join('/'), size: s.size, mode: s.mode & 0o777 });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The glibc guard over every shared object (one file in memory at a time): a violation names the
 * file as Lambda would see it (/opt/…, /var/task/…) and the symbol. Returns the newest need.
 */
async function guardGlibc(staging: string, files: readonly StagedFile[], max: string): Promise<string | null> {
  const violations: GlibcViolation[] = [];
  let newest: string | null = null;
  for (const f of files) {
    const head = await readHead(path.join(staging, f.path));
    if (!(head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46)) continue;
    const bytes = await readFile(path.join(staging, f.path));
    const shown = f.path.startsWith('task/') ? `/var/task/${f.path.slice(5)}` : `/${f.path}`;
    violations.push(...checkGlibc([{ path: shown, bytes }], max));
    const need = newestGlibcNeed([bytes]);
    if (need && (!newest || compareVersions(parseGlibcVersion(need)!, parseGlibcVersion(newest)!) > 0)) newest = need;
  }
  if (violations.length > 0) throw glibcViolationError(violations, max);
  return newest;
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

/** The manifest of a package folder; undefined for a missing or empty folder; refused for anything else. */
async function readPackageFolder(out: string): Promise<LambdaManifest | undefined> {
  const entries = await readdir(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw new AppError('usage', `Cannot read the output folder ${out}: ${e.message}.`);
  });
  if (entries.length === 0) return undefined;
  const text = await readFile(path.join(out, MANIFEST_FILE), 'utf8').catch(() => undefined);
  const manifest = text === undefined ? undefined : parseJson(text);
  if (!manifest || manifest.target !== 'lambda' || !Array.isArray(manifest.artefacts)) {
    // Never write into (or clear) a folder that holds someone's files.
    throw new AppError('usage', `${out} is not empty and holds no Lambda package (no ${MANIFEST_FILE} of R Deploy). Choose an empty or new folder with --out.`);
  }
  return manifest as LambdaManifest;
}

function parseJson(text: string): Partial<LambdaManifest> | undefined {
  try {
    return JSON.parse(text) as Partial<LambdaManifest>;
  } catch {
    return undefined;
  }
}

async function upToDate(out: string, previous: LambdaManifest, imageId: string, settings: EffectiveLambdaSettings): Promise<boolean> {
  if (previous.format !== MANIFEST_FORMAT || previous.imageId !== imageId || !previous.quotas?.ok) return false;
  if (previous.settings.glibcMax !== settings.glibcMax || previous.settings.architecture !== settings.architecture) return false;
  for (const a of previous.artefacts) {
    const sha = await fileSha256(path.join(out, a.file)).catch(() => undefined);
    if (sha !== a.sha256) return false;
  }
  return true;
}

/** Removes the artefacts the previous manifest lists (only those: nothing else in the folder is ours). */
async function clearPrevious(out: string, previous: LambdaManifest | undefined): Promise<void> {
  await mkdir(out, { recursive: true });
  for (const a of previous?.artefacts ?? []) {
    if (!a.file.split('/').includes('..')) await rm(path.join(out, a.file), { force: true });
  }
  await rm(path.join(out, MANIFEST_FILE), { force: true });
}

function result(out: string, manifest: LambdaManifest, upToDate: boolean, notes: string[]): PackageResult {
  const files: PackagedFile[] = manifest.artefacts.map((a) => ({ file: a.file, zippedBytes: a.zippedBytes, unzippedBytes: a.unzippedBytes }));
  return { out, files, manifest: manifest as unknown as Record<string, unknown>, upToDate, notes };
}

function notesFor(m: LambdaManifest): string[] {
  const notes = [
    `Stripping saved ${m.stripping.savedPercent}% of the layers (${mib(m.stripping.bytesBefore)} → ${mib(m.stripping.bytesAfter)}): docs, help, tests and translations ${mib(m.stripping.bytesBefore - m.stripping.bytesAfterPruning)}, debug symbols ${m.stripping.debugSymbolsBytes === null ? 'not stripped (no `strip` in the builder)' : mib(m.stripping.debugSymbolsBytes)}.`,
    `Unzipped total ${mib(m.totals.unzippedBytes)} of Lambda's 250 MB; glibc needed ${m.glibc.required ?? 'none'} (limit ${m.glibc.max}).`,
  ];
  const s3 = m.artefacts.filter((a) => a.upload === 's3');
  if (s3.length) notes.push(`${s3.map((a) => a.file).join(', ')} ${s3.length === 1 ? 'is' : 'are'} over 50 MB zipped: a deploy uploads ${s3.length === 1 ? 'it' : 'them'} through S3.`);
  if (m.missingLibraries.length) notes.push(`Not found on the builder either, so not in the layers: ${m.missingLibraries.join(', ')} (only an optional module asks for ${m.missingLibraries.length === 1 ? 'it' : 'them'} if the model still loads).`);
  return notes;
}

const sum = (xs: readonly ManifestArtefact[], key: 'zippedBytes' | 'unzippedBytes') => xs.reduce((n, a) => n + a[key], 0);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
