import * as path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../support/cli';

// The layering rule of eslint.config.mjs, on code that breaks it (lint-only: nothing is written).
const eslint = new ESLint({ cwd: REPO });
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layers (eslint.config.mjs)', () => {
  it('core imports nothing above it', async () => {
    expect(await restricted('src/core/x.ts', "import { CATALOGUE } from '../targets/catalogue';\nexport const x = CATALOGUE;\n")).toEqual([expect.stringContaining('src/core imports nothing above it')]);
  });

  it('a target never imports another target', async () => {
    expect(await restricted('src/targets/local/x.ts', "import { LambdaSettingsSchema } from '../lambda/settings';\nexport const x = LambdaSettingsSchema;\n")).toEqual([
      expect.stringContaining('A target never imports another target'),
    ]);
    expect(await restricted('src/targets/local/x.ts', "import { runDeploy } from '../lifecycle/deploy';\nexport const x = runDeploy;\n")).toEqual([]);
  });

  it("the CLI and the extension never import a target's own files", async () => {
    const code = "import { localTarget } from '../targets/local';\nexport const x = localTarget;\n";
    expect(await restricted('src/cli/x.ts', code)).toEqual([expect.stringContaining('The CLI reaches targets through')]);
    expect(await restricted('src/extension/x.ts', code)).toEqual([expect.stringContaining('The extension reaches targets through')]);
    expect(await restricted('src/cli/x.ts', "import { getTarget } from '../targets/catalogue';\nexport const x = getTarget;\n")).toEqual([]);
  });
});
