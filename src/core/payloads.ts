import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from './errors';
import { PAYLOAD_NAME } from './payloadName';

/**
 * Saved payloads: `.rdeploy/payloads/<name>.json` (saved by the user) and any `*.json` under
 * `samples/` (shipped with the project). A payload is any JSON value; it is validated when read
 * so a broken file is reported by name instead of failing inside R.
 */
export interface SavedPayload {
  name: string;
  file: string;
  origin: 'saved' | 'sample';
}


export function payloadsDir(root: string): string {
  return path.join(root, '.rdeploy', 'payloads');
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => n.toLowerCase().endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export async function listPayloads(root: string): Promise<SavedPayload[]> {
  const saved = (await jsonFiles(payloadsDir(root))).map((f) => ({
    name: f.slice(0, -'.json'.length),
    file: path.join(payloadsDir(root), f),
    origin: 'saved' as const,
  }));
  const samples = (await jsonFiles(path.join(root, 'samples'))).map((f) => ({
    name: f.slice(0, -'.json'.length),
    file: path.join(root, 'samples', f),
    origin: 'sample' as const,
  }));
  return [...saved, ...samples];
}

/** Checks that `text` is one JSON value and returns it unchanged (R receives the user's text). */
export function validatePayload(text: string, where: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    throw new AppError('payload-invalid', `The payload in ${where} is not valid JSON (${(e as Error).message}).`);
  }
  return text;
}

/**
 * Resolves what the user passed as a payload: a path to a JSON file, or the name of a saved
 * payload or sample of the project (`one-car` finds `samples/one-car.json`).
 */
export async function readPayload(ref: string, root: string | undefined, cwd: string): Promise<string> {
  const candidates = [path.resolve(cwd, ref)];
  if (root && PAYLOAD_NAME.test(ref)) {
    for (const p of await listPayloads(root)) if (p.name === ref) candidates.push(p.file);
  }
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') continue;
      throw new AppError('payload-invalid', `Cannot read payload ${file}: ${(e as Error).message}.`, { cause: e });
    }
    return validatePayload(text, file);
  }
  throw new AppError(
    'payload-invalid',
    `No payload "${ref}": it is neither a JSON file nor a saved payload or sample of the project. ` +
      'Pass a path to a .json file, or use --data with inline JSON.',
  );
}

/**
 * A saved payload or sample of the project, found by name among `listPayloads` only — never a
 * path, so a name like `renv.lock` cannot load the project's other files. Saved payloads win
 * over samples of the same name (the order the pickers show); `origin` narrows to one kind.
 */
export async function readNamedPayload(root: string, name: string, origin?: SavedPayload['origin']): Promise<string> {
  const found = (await listPayloads(root)).find((p) => p.name === name && (origin === undefined || p.origin === origin));
  if (!found) {
    throw new AppError('payload-invalid', `No saved payload or sample named "${name}" in ${root}: save one first, or add samples/${name}.json.`);
  }
  let text: string;
  try {
    text = await readFile(found.file, 'utf8');
  } catch (e) {
    throw new AppError('payload-invalid', `Cannot read payload ${found.file}: ${(e as Error).message}.`, { cause: e });
  }
  return validatePayload(text, found.file);
}

/** Saves a payload as `.rdeploy/payloads/<name>.json`, atomically, pretty-printed. */
export async function savePayload(root: string, name: string, json: string): Promise<string> {
  if (!PAYLOAD_NAME.test(name)) {
    throw new AppError('payload-invalid', `"${name}" is not a valid payload name: use letters, digits, ".", "_" and "-".`);
  }
  const value: unknown = JSON.parse(validatePayload(json, `payload "${name}"`));
  const dir = payloadsDir(root);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, file);
  return file;
}
