// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
);
