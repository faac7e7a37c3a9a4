// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';

/** Folders of src/targets that are the platform, not a target (azure/: what every Azure target shares). */
const PLATFORM = ['lifecycle', 'image', 'doctor', 'azure'];

// Cloud SDKs and dockerode are loaded lazily (`await import(...)`) so activation stays fast;
// type-only imports are fine because they vanish at build time.
const lazyOnly = {
  patterns: [
    { group: ['dockerode', '@aws-sdk/*', '@azure/*', '@smithy/*'], allowTypeImports: true,
      message: 'Load SDKs lazily: `const { default: Docker } = await import("dockerode")`.' },
  ],
};
const noVscode = {
  paths: [{ name: 'vscode', message: 'Only src/extension may import vscode (style rule 1).' }],
  patterns: lazyOnly.patterns,
};

// Layers (style.md, design.md): core imports nothing above it; a target folder never imports
// another target; the CLI and the extension reach targets only through the platform (catalogue,
// config, lifecycle, image, connections), never a target's own files. Target folders are read
// from the tree, so a new target is covered without touching this file.
const targetFolders = readdirSync(new URL('./src/targets', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !PLATFORM.includes(d.name))
  .map((d) => d.name);
const restrict = (...groups) => ({ patterns: [...lazyOnly.patterns, ...groups] });
const noVscodeRestrict = (...groups) => ({ paths: noVscode.paths, patterns: [...noVscode.patterns, ...groups] });
const layerRules = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', noVscodeRestrict({ group: ['**/targets/**', '**/cli/**', '**/extension/**', '**/protocol/**'], message: 'src/core imports nothing above it.' })],
    },
  },
  {
    files: ['src/clouds/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', noVscodeRestrict({ group: ['**/targets/**', '**/cli/**', '**/extension/**'], message: 'src/clouds serves the targets: it imports core only.' })],
    },
  },
  ...targetFolders.map((name) => ({
    files: [`src/targets/${name}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        noVscodeRestrict({
          group: targetFolders.filter((other) => other !== name).flatMap((other) => [`../${other}`, `../${other}/**`, `../../${other}/**`, `**/targets/${other}/**`]),
          message: 'A target never imports another target: shared code belongs in the platform (lifecycle/, image/, clouds).',
        }),
      ],
    },
  })),
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        noVscodeRestrict({ group: targetFolders.flatMap((t) => [`**/targets/${t}`, `**/targets/${t}/**`]), message: 'The CLI reaches targets through the catalogue and the lifecycle only.' }),
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        restrict({ group: targetFolders.flatMap((t) => [`**/targets/${t}`, `**/targets/${t}/**`]), message: 'The extension reaches targets through the catalogue and the lifecycle only.' }),
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.ci-work/**', 'webview/dist/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': ['error', noVscode],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/vscode/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', lazyOnly] },
  },
  ...layerRules,
);
