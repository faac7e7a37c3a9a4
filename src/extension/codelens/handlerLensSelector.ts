import type * as vscode from 'vscode';

/** R files (by language, or by extension when no R extension is installed). Kept apart so activation does not load the provider. */
export const HANDLER_LENS_SELECTOR: vscode.DocumentSelector = [
  { language: 'r', scheme: 'file' },
  { pattern: '**/*.{R,r}', scheme: 'file' },
];
