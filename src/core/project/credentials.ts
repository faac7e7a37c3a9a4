import { lstat, open, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { dockerignorePatterns } from '../docker/dockerignore';
import { parseDockerignore } from '../docker/ignoreMatch';

/** Folders of ours that never enter an image whatever the patterns say (see the context builder). */
const ALWAYS_LEFT_OUT = new Set(['.rdeploy', '.rdeploy-build']);
/** Bytes read from a file to recognise a key in it; credential files are small. */
const HEAD_BYTES = 64 * 1024;
/** A bound on the walk: a huge data folder must not make loading a project slow. */
const MAX_ENTRIES = 20_000;

/** A name that is a credential whatever it holds. */
const BY_NAME: Array<[RegExp, string]> = [
  [/^id_(rsa|dsa|ecdsa|ed25519)$/, 'an SSH private key'],
  [/\.(p12|pfx|jks|keystore)$/i, 'a key store'],
  [/^\.(git-credentials|netrc|pgpass|pypirc|my\.cnf)$/, 'saved credentials'],
  [/^\.Renviron(\..*)?$|^\.env(\..*)?$/, 'an environment file (often API keys)'],
  [/^kubeconfig$/, 'a Kubernetes config'],
];

/** Content that is a credential whatever the file is called. */
const BY_CONTENT: Array<[RegExp, RegExp, string]> = [
  [/\.json$/i, /"private_key"\s*:\s*"-----BEGIN/, 'a service-account key'],
  [/./, /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, 'a private key'],
  [/^\.(npmrc|yarnrc(\.yml)?)$/, /_auth(Token)?\s*[=:]/, 'a package registry token'],
  [/./, /^\s*aws_secret_access_key\s*=/im, 'AWS credentials'],
  [/./, /^\s*client-key-data:\s*\S/m, 'a Kubernetes config with a client key'],
];

/**
 * Files that look like credentials and would be copied into the image: everything the generated
 * .dockerignore (defaults plus rdeploy.json "exclude") lets through, except what a `!pattern` in
 * "exclude" keeps on purpose. Returns "path (what it looks like)" items, relative, with "/".
 */
export async function findCredentialFiles(root: string, exclude: readonly string[] = []): Promise<string[]> {
  let patterns: string[];
  try {
    patterns = dockerignorePatterns(exclude);
  } catch {
    return []; // a bad "exclude" entry is reported when the plan renders the .dockerignore
  }
  const ignore = parseDockerignore(patterns.join('\n'));
  const kept = parseDockerignore(exclude.filter((p) => p.startsWith('!')).map((p) => p.slice(1)).join('\n'));
  const found: string[] = [];
  let seen = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (++seen > MAX_ENTRIES) return;
      if (!rel && ALWAYS_LEFT_OUT.has(name)) continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const abs = path.join(dir, name);
      const info = await lstat(abs).catch(() => undefined);
      if (!info) continue;
      const ignored = ignore.ignores(relPath);
      if (info.isDirectory()) {
        if (!ignored || ignore.hasExceptions) await walk(abs, relPath);
        continue;
      }
      if (ignored || !info.isFile() || kept.ignores(relPath)) continue;
      const what = await classify(abs, name, info.size);
      if (what) found.push(`${relPath} (${what})`);
    }
  };
  await walk(root, '');
  return found;
}

async function classify(file: string, name: string, size: number): Promise<string | undefined> {
  const byName = BY_NAME.find(([re]) => re.test(name));
  if (byName) return byName[1];
  if (size === 0) return undefined;
  const candidates = BY_CONTENT.filter(([names]) => names.test(name));
  if (candidates.length === 0) return undefined;
  const head = await readHead(file, Math.min(size, HEAD_BYTES));
  if (head === undefined || head.includes('\0')) return undefined; // binary: a model, not a key file
  return candidates.find(([, content]) => content.test(head))?.[2];
}

async function readHead(file: string, bytes: number): Promise<string | undefined> {
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await fh.read(buf, 0, bytes, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/** The project warning naming each file, or undefined when there is none. */
export function credentialWarning(files: string[]): string | undefined {
  if (files.length === 0) return undefined;
  const shown = files.length <= 8 ? files.join(', ') : `${files.slice(0, 8).join(', ')} and ${files.length - 8} more`;
  return `These files look like credentials and would be copied into the image: ${shown}. Add them to "exclude" in rdeploy.json, or, if the model really needs one, keep it deliberately with "!<path>" there.`;
}
