// Writes what is generated from the target catalogue and the zod ConfigSchema:
//  - schemas/rdeploy.schema.json, the JSON Schema of rdeploy.json (src/targets/configJsonSchema.ts);
//  - package.json's `rdeploy.defaultTarget` enum and descriptions (src/targets/manifest.ts).
// `--check` writes nothing and exits 1 when a committed file differs from what would be generated
// (for CI). `--out <file>` names another schema file (tests); package.json is then left alone.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? process.argv[outFlag + 1] : `${repo}schemas/rdeploy.schema.json`;
const shown = outFlag > 0 ? out : 'schemas/rdeploy.schema.json';
const check = process.argv.includes('--check');

// Bundle the TypeScript in memory and load it as a module: no build step, no file left behind.
const bundle = await esbuild.build({
  stdin: {
    contents: "export { configJsonSchemaText } from './src/targets/configJsonSchema'; export { defaultTargetSetting } from './src/targets/manifest';",
    resolveDir: repo,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'warning',
  // dockerode and the cloud SDKs are imported lazily by the targets and never run here.
  external: ['dockerode'],
  // CommonJS dependencies in an ESM bundle still call require() for Node's own modules (events, fs).
  banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(${JSON.stringify(`${repo}package.json`)});` },
});
const code = bundle.outputFiles[0].text;
const { configJsonSchemaText, defaultTargetSetting } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // missing counts as stale
  }
};

const files = [[out, shown, configJsonSchemaText()]];
if (outFlag < 0) {
  const manifestFile = `${repo}package.json`;
  const manifest = JSON.parse(read(manifestFile));
  Object.assign(manifest.contributes.configuration.properties['rdeploy.defaultTarget'], defaultTargetSetting());
  files.push([manifestFile, 'package.json', JSON.stringify(manifest, null, 2) + '\n']);
}

let stale = false;
for (const [file, name, text] of files) {
  if (check) {
    if (read(file) !== text) {
      console.error(`${name} is out of date: run \`node scripts/gen-schema.mjs\` and commit the result.`);
      stale = true;
    } else console.log(`${name} is up to date.`);
  } else if (read(file) !== text) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
if (stale) process.exit(1);
