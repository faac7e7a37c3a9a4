import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, getTarget, isAvailable, TARGET_KINDS } from '../../../src/targets/catalogue';
import { ConfigSchema } from '../../../src/targets/config';
import { configJsonSchema } from '../../../src/targets/configJsonSchema';
import { defaultTargetSetting } from '../../../src/targets/manifest';
import { REPO } from '../../support/cli';

// The catalogue is the one list of targets: everything that offers or names targets reads it.
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[] }> } };
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(full) : /\.(ts|mjs|js)$/.test(d.name) ? [full] : [];
  });
}

describe('the target catalogue', () => {
  it('gives every target a label, a one-line description and capabilities', () => {
    for (const e of CATALOGUE) {
      expect(e.label.length, e.kind).toBeGreaterThan(0);
      expect(e.description, e.kind).not.toContain('\n');
      expect(e.capabilities.statusPollSeconds, e.kind).toBeGreaterThan(0);
      // A target that costs money polls its cloud sparingly.
      if (e.capabilities.costsMoney) expect(e.capabilities.statusPollSeconds, e.kind).toBeGreaterThanOrEqual(30);
    }
  });

  it('is what package.json offers in rdeploy.defaultTarget (node scripts/gen-schema.mjs writes it)', () => {
    expect(manifest.contributes.configuration.properties['rdeploy.defaultTarget']).toMatchObject(defaultTargetSetting());
    expect(defaultTargetSetting().enum).toEqual(TARGET_KINDS);
  });

  it('is what the rdeploy.json schema offers: "target" and one "targets" section per target', () => {
    const schema = configJsonSchema() as { properties: { target: { enum: string[] }; targets: { properties: Record<string, unknown> } } };
    expect(schema.properties.target.enum).toEqual(TARGET_KINDS);
    expect(Object.keys(schema.properties.targets.properties)).toEqual(TARGET_KINDS);
    expect(Object.keys(ConfigSchema.shape.targets.unwrap().shape)).toEqual(TARGET_KINDS);
  });

  it('names the implementation of each available target, and says clearly when one is not available', () => {
    for (const e of CATALOGUE) {
      if (isAvailable(e.kind)) expect(getTarget(e.kind).kind).toBe(e.kind);
      else expect(() => getTarget(e.kind)).toThrow(new RegExp(`${e.label} target \\(${e.kind}\\) is not available in this version`));
    }
    expect(() => getTarget('kubernetes')).toThrow(/Unknown target "kubernetes". Choose one of: local, lambda, aci, batch/);
  });

  it('is the only place that lists the targets: no other source file names two of them', () => {
    const kinds = new RegExp(`['"\`](${TARGET_KINDS.join('|')})['"\`]`, 'g');
    const offenders: string[] = [];
    for (const file of [...sourceFiles(path.join(REPO, 'src')), ...sourceFiles(path.join(REPO, 'webview')), ...sourceFiles(path.join(REPO, 'scripts'))]) {
      if (file.endsWith(path.join('src', 'targets', 'catalogue.ts'))) continue;
      const named = new Set([...readFileSync(file, 'utf8').matchAll(kinds)].map((m) => m[1]));
      if (named.size >= 2) offenders.push(`${path.relative(REPO, file)}: ${[...named].join(', ')}`);
    }
    expect(offenders).toEqual([]);
  });
});
