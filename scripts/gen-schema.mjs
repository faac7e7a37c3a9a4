// Writes schemas/rdeploy.schema.json, the JSON Schema of rdeploy.json, from the zod ConfigSchema
// (src/core/configJsonSchema.ts). `--check` writes nothing and exits 1 when the committed file
// differs from what would be generated (for CI). `--out <file>` names another file (tests).
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? process.argv[outFlag + 1] : `${repo}schemas/rdeploy.schema.json`;
const shown = outFlag > 0 ? out : 'schemas/rdeploy.schema.json';

// Bundle the TypeScript in memory and load it as a module: no build step, no file left behind.
const bundle = await esbuild.build({
  stdin: { contents: "export { configJsonSchemaText } from './src/core/configJsonSchema';", resolveDir: repo, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const code = bundle.outputFiles[0].text;
const { configJsonSchemaText } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
const text = configJsonSchemaText();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${shown} is out of date: run \`node scripts/gen-schema.mjs\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${shown} is up to date.`);
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
