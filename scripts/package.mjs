#!/usr/bin/env node
// `npm run package`: a production build, then `vsce package --no-dependencies` (the bundles carry
// their dependencies) into rdeploy-<version>.vsix, then a check of what went in: only the
// allow-listed paths of .vscodeignore, nothing else, and under 10 MB.
//
//   node scripts/package.mjs [--out FILE] [--no-build]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 10 * 1024 * 1024;

/** What may ship, under extension/ in the vsix (runtime/ is copied into images: it must ship). */
const ALLOWED = [
  /^package\.json$/,
  /^readme\.md$/i,
  /^license(\.txt|\.md)?$/i,
  /^dist\/extension\.js$/,
  /^dist\/cli\.js$/,
  /^dist\/sdk\/.+\.js$/,
  /^dist\/webview\/.+\.(js|css)$/,
  /^runtime\//,
  /^schemas\//,
  /^media\//,
  /^walkthrough\//,
];
/** What must ship for the extension to work at all. */
const REQUIRED = ['package.json', 'dist/extension.js', 'dist/cli.js', 'runtime/main.R'];

/** Entries of a zip file, read from its central directory (no unzip binary needed). */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const read = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : data;
    };
    entries.push({ name, size, compressed, read });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function checkVsix(file) {
  const entries = zipEntries(file);
  const shipped = entries.filter((e) => e.name.startsWith('extension/')).map((e) => ({ ...e, rel: e.name.slice('extension/'.length) }));
  const stray = shipped.filter((e) => !ALLOWED.some((re) => re.test(e.rel)) || /\.map$|(^|\/)(src|test|node_modules)\//.test(e.rel));
  const missing = REQUIRED.filter((r) => !shipped.some((e) => e.rel === r));
  // Self-contained: every relative module a shipped bundle requires (lazy SDK chunks, split
  // services) ships too.
  const names = new Set(shipped.map((e) => e.rel));
  const unresolved = [];
  for (const e of shipped.filter((x) => /^dist\/.*\.js$/.test(x.rel))) {
    for (const m of e.read().toString('utf8').matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      // Native add-ons are optional (ssh2 tries its crypto binding and falls back to pure JS).
      if (m[1].endsWith('.node')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(e.rel), m[1]));
      if (![target, `${target}.js`, `${target}/index.js`].some((t) => names.has(t))) unresolved.push(`${e.rel} requires ${m[1]}`);
    }
  }
  const bytes = statSync(file).size;
  const problems = [
    ...unresolved.map((u) => `not shipped, but ${u}`),
    ...stray.map((e) => `not allowed in the vsix: ${e.rel}`),
    ...missing.map((r) => `missing from the vsix: ${r}`),
    ...(bytes >= MAX_BYTES ? [`vsix is ${bytes} bytes, over the ${MAX_BYTES} limit`] : []),
  ];
  return { bytes, shipped, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const outIndex = argv.indexOf('--out');
  const out = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : path.join(REPO, `rdeploy-${pkg.version}.vsix`));
  if (!argv.includes('--no-build')) {
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--production'], { cwd: REPO, stdio: 'inherit' });
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--out', out];
  // No public repository yet: say so rather than invent one (vsce refuses otherwise).
  if (!pkg.repository) args.push('--allow-missing-repository');
  execFileSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  const { bytes, shipped, problems } = checkVsix(out);
  const byTop = new Map();
  for (const e of shipped) {
    const top = e.rel.split('/').slice(0, e.rel.startsWith('dist/') ? 2 : 1).join('/');
    byTop.set(top, (byTop.get(top) ?? 0) + e.size);
  }
  console.log(`${path.relative(process.cwd(), out)}: ${(bytes / 1024 / 1024).toFixed(2)} MB, ${shipped.length} files`);
  for (const [top, size] of [...byTop].sort((a, b) => b[1] - a[1])) console.log(`  ${top.padEnd(24)} ${(size / 1024).toFixed(1).padStart(9)} KB (unpacked)`);
  if (problems.length) {
    for (const p of problems) console.error(`package: ${p}`);
    process.exit(1);
  }
}
