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

/**
 * Checks that `text` is one JSON value and returns it unchanged (R receives the user's text).
 * A broken payload is reported in one line: where it is, the line and column, and a short
 * single-line excerpt of the text there — never the raw text, which may span lines.
 */
export function validatePayload(text: string, where: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    throw new AppError('payload-invalid', `The payload in ${where} is not valid JSON: ${describeJsonError(text)}.`, { cause: e });
  }
  return text;
}

/** "line 2, column 5: unexpected "x" near `{"a": x}`", computed by our own scan: V8's message may quote the whole text. */
export function describeJsonError(text: string): string {
  const { offset, reason } = locateJsonError(text);
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  const excerpt = excerptAt(text, offset);
  return `line ${line}, column ${column}: ${reason}${excerpt ? ` near \`${excerpt}\`` : ''}`;
}

/** At most 30 characters of the line that holds `offset`, control characters shown as spaces. */
function excerptAt(text: string, offset: number): string {
  const start = Math.max(text.lastIndexOf('\n', offset - 1) + 1, offset - 15);
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  end = Math.min(end, start + 30);
  const raw = text.slice(start, end);
  const clean = raw.replace(/\p{Cc}/gu, ' ').replace(/`/g, "'").trim();
  if (!clean) return '';
  return `${start > 0 && text[start - 1] !== '\n' ? '…' : ''}${clean}${end < text.length && text[end] !== '\n' && text[end] !== '\r' ? '…' : ''}`;
}

/** Where a JSON text first goes wrong, and why (a small scanner following RFC 8259). */
export function locateJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw { offset: at, reason };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const show = (c: string | undefined) => (c === undefined ? 'end of text' : /[\p{Cc}\p{Cf}]/u.test(c) ? `character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : c === '"' ? `'"'` : `"${c}"`);
  const unexpected = () => fail(text[i] === undefined ? 'unexpected end of text' : `unexpected ${show(text[i])}`);
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else unexpected();
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      if (c === '"') return void i++;
      if (c === '\\') {
        const esc = text[i + 1];
        if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i += 2;
        else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('bad escape in string');
      } else if (c! < ' ') fail(`${show(c)} inside a string`);
      else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) unexpected();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === undefined ? 'unexpected end of text' : `expected a double-quoted property name, found ${show(text[i])}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after a property name, found ${show(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail(`expected "," or "}", found ${show(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail(`expected "," or "]", found ${show(text[i])}`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === undefined) fail(text.trim() === '' ? 'the text is empty' : 'unexpected end of text', text.trim() === '' ? 0 : i);
    unexpected();
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${show(text[i])} after the JSON value`);
  } catch (e) {
    if (e && typeof e === 'object' && 'reason' in e) return e as { offset: number; reason: string };
    throw e;
  }
  // JSON.parse refused what the scan accepts (it should not happen): say so without quoting.
  return { offset: 0, reason: 'not accepted by the JSON parser' };
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
