import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../errors';
import { SECRET_KEY, SECRET_VALUE } from '../secrets';
import { DEPLOYMENT_NAME, DeploymentRecordSchema, type DeploymentRecord } from './record';

/**
 * Deployment records on disk: `<root>/.rdeploy/deployments/<name>.json`. Writes are atomic
 * (temp file in the same directory, fsync, rename) so that a crash mid-write leaves the
 * previous record whole: the record is what lets `destroy` find what a deploy created.
 */
export const RECORDS_DIR = path.join('.rdeploy', 'deployments');
const TEMP_SUFFIX = '.tmp';

export function recordsDir(root: string): string {
  return path.join(root, RECORDS_DIR);
}

/** The record file of `name`; the name is checked so it can never escape the directory. */
export function recordPath(root: string, name: string): string {
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new AppError('usage', `"${name}" is not a valid deployment name: use lower-case letters, digits and "-" (at most 63, starting with a letter or digit).`);
  }
  return path.join(recordsDir(root), `${name}.json`);
}

/**
 * Last line of defence for "no secret in a record, ever": targets must not put one there, and
 * this refuses the write if one slipped through. It looks for the shapes secrets have in this
 * product (SAS/callback signatures, credentials in URLs, key-like field names), nothing more.
 */

/** The paths of fields that look like secrets: a key named like one, or a value shaped like one. */
export function secretFields(value: unknown, where = 'record'): string[] {
  const found: string[] = [];
  const visit = (v: unknown, at: string): void => {
    if (typeof v === 'string') {
      if (SECRET_VALUE.some((re) => re.test(v))) found.push(at);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${at}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEY.test(k) && x !== undefined && x !== null && x !== '') found.push(`${at}.${k}`);
        else visit(x, `${at}.${k}`);
      }
    }
  };
  visit(value, where);
  return found;
}

export function assertNoSecrets(record: DeploymentRecord): void {
  const [first] = secretFields(record);
  if (first) throw new AppError('internal', `Refusing to write deployment record "${record.name}": ${first} looks like it holds a secret.`);
}

/**
 * A copy of the record without the fields that look like secrets, and their paths. Reading
 * redacts, so that no command prints such a field and destroy can still write the record; the
 * paths are kept in `redacted` for the user to be told.
 */
export function redactSecrets(record: DeploymentRecord): DeploymentRecord {
  const dropped = secretFields(record);
  if (dropped.length === 0) return record;
  const clean = (v: unknown): unknown => {
    // A value is masked, not dropped: a required field (the handler) must still parse.
    if (typeof v === 'string') return SECRET_VALUE.some((re) => re.test(v)) ? '[redacted]' : v;
    if (Array.isArray(v)) return v.map(clean).filter((x) => x !== undefined);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEY.test(k) && x !== undefined && x !== null && x !== '') continue;
        const c = clean(x);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    return v;
  };
  const cleaned = DeploymentRecordSchema.safeParse(clean(record));
  // Masked values keep every field's type; what still does not parse (a masked name) keeps no secret either.
  const base = cleaned.success ? cleaned.data : { ...(clean(record) as DeploymentRecord), details: {} };
  return { ...base, redacted: dropped.map((d) => d.replace(/^record\./, '')) };
}

/** Writes the record atomically and returns the path written. */
export async function writeRecord(root: string, record: DeploymentRecord): Promise<string> {
  const file = recordPath(root, record.name);
  const { redacted: _notWritten, ...rest } = record;
  const valid = DeploymentRecordSchema.parse(rest);
  assertNoSecrets(valid);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFileAtomic(file, JSON.stringify(valid, null, 2) + '\n');
  } catch (e) {
    throw new AppError('internal', `Cannot write the deployment record ${file}: ${(e as Error).message}.`, { cause: e });
  }
  return file;
}

/** Temp file in the same directory, fsync, rename, fsync the directory: a crash leaves the old file or the new one. */
async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

/** Reads and validates a record; undefined when there is none. A corrupt file is an error naming it. */
export async function readRecord(root: string, name: string): Promise<DeploymentRecord | undefined> {
  const file = recordPath(root, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('internal', `Cannot read the deployment record ${file}: ${(e as Error).message}.`, { cause: e });
  }
  return locatedAt(root, parseRecord(file, text));
}

/**
 * Where a record file lies is authoritative for the project it belongs to: a record committed to
 * a repository, or copied from elsewhere, must not make a command act on another folder.
 */
function locatedAt(root: string, record: DeploymentRecord): DeploymentRecord {
  const here = path.resolve(root);
  return record.projectRoot === here ? record : { ...record, projectRoot: here };
}

export function parseRecord(file: string, text: string): DeploymentRecord {
  const fix = 'Fix it by hand, or delete it if that deployment no longer exists (check `docker ps -a --filter label=rdeploy-deployment`).';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('config-invalid', `The deployment record ${file} is not valid JSON (${(e as Error).message}). ${fix}`, { cause: e });
  }
  const parsed = DeploymentRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the top level';
    throw new AppError('config-invalid', `The deployment record ${file} is invalid: ${where}: ${issue.message}. ${fix}`, { cause: parsed.error });
  }
  const expected = path.basename(file, '.json');
  if (parsed.data.name !== expected) {
    throw new AppError('config-invalid', `The deployment record ${file} names the deployment "${parsed.data.name}", not "${expected}". ${fix}`);
  }
  return redactSecrets(parsed.data);
}

export interface RecordList {
  records: DeploymentRecord[];
  /** Files that could not be read; listed so the caller can show them, never fatal. */
  problems: { file: string; error: AppError }[];
}

/** All records of a project, sorted by name. Leftover temp files from a crash are ignored. */
export async function listRecords(root: string): Promise<RecordList> {
  const dir = recordsDir(root);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw new AppError('internal', `Cannot list deployment records in ${dir}: ${(e as Error).message}.`, { cause: e });
  }
  const out: RecordList = { records: [], problems: [] };
  for (const entry of names.sort()) {
    if (!entry.endsWith('.json') || entry.startsWith('.')) continue;
    const file = path.join(dir, entry);
    try {
      const name = entry.slice(0, -'.json'.length);
      if (!DEPLOYMENT_NAME.test(name)) throw new AppError('config-invalid', `${file} is not named like a deployment record (<name>.json).`);
      out.records.push(locatedAt(root, parseRecord(file, await readFile(file, 'utf8'))));
    } catch (e) {
      const error = e instanceof AppError ? e : new AppError('internal', `Cannot read the deployment record ${file}: ${(e as Error).message}.`, { cause: e });
      out.problems.push({ file, error });
    }
  }
  return out;
}

/** Deletes a record; true if there was one. */
export async function deleteRecord(root: string, name: string): Promise<boolean> {
  try {
    await unlink(recordPath(root, name));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Makes the rename durable. Directories cannot be opened for sync on Windows: best effort. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // durability of the rename is an optimisation; the file content itself was synced.
  }
}

/**
 * What is left of a destroyed deployment: its name and target, so that destroying it again is a
 * calm "nothing left" rather than "no such deployment". A dot file: lists never show it.
 */
function tombstonePath(root: string, name: string): string {
  return path.join(path.dirname(recordPath(root, name)), `.${name}.destroyed`);
}

export async function writeTombstone(root: string, name: string, target: string): Promise<void> {
  const file = tombstonePath(root, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify({ name, target, destroyedAt: new Date().toISOString() }) + '\n');
}

export async function readTombstone(root: string, name: string): Promise<{ target: string; destroyedAt: string } | undefined> {
  try {
    const json = JSON.parse(await readFile(tombstonePath(root, name), 'utf8')) as { target?: unknown; destroyedAt?: unknown };
    return typeof json.target === 'string' ? { target: json.target, destroyedAt: String(json.destroyedAt ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

export async function deleteTombstone(root: string, name: string): Promise<void> {
  await unlink(tombstonePath(root, name)).catch(() => undefined);
}
