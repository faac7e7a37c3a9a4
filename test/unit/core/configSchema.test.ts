// schemas/rdeploy.schema.json: generated from the zod ConfigSchema, committed, and checked here
// so it cannot drift. The examples' rdeploy.json must validate against the committed file,
// read back as a validator with zod's own JSON Schema reader (an independent path from ConfigSchema).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigSchema } from '../../../src/targets/config';
import { configJsonSchemaText } from '../../../src/targets/configJsonSchema';
import { REPO } from '../../support/cli';

const SCHEMA_FILE = path.join(REPO, 'schemas', 'rdeploy.schema.json');
const committedText = readFileSync(SCHEMA_FILE, 'utf8');
const committed = JSON.parse(committedText) as { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const validator = z.fromJSONSchema(committed, { defaultTarget: 'draft-7' });

describe('schemas/rdeploy.schema.json', () => {
  it('is exactly what scripts/gen-schema.mjs generates from ConfigSchema (run it and commit when this fails)', () => {
    expect(committedText).toBe(configJsonSchemaText());
  });

  it('`node scripts/gen-schema.mjs` writes that file, and `--check` fails on a stale one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-schema-'));
    try {
      const script = path.join(REPO, 'scripts', 'gen-schema.mjs');
      expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('up to date');
      const fresh = path.join(dir, 'fresh.json');
      execFileSync(process.execPath, [script, '--out', fresh]);
      expect(readFileSync(fresh, 'utf8')).toBe(committedText);
      const stale = path.join(dir, 'stale.json');
      writeFileSync(stale, committedText.replace('"Port"', '"Port number"'));
      const check = spawnSync(process.execPath, [script, '--check', '--out', stale], { encoding: 'utf8' });
      expect(check.status).toBe(1);
      expect(check.stderr).toContain('is out of date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every property for VS Code: title, description and markdownDescription', () => {
    const keys = Object.keys(ConfigSchema.shape);
    expect(Object.keys(committed.properties).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const prop = committed.properties[key]!;
      expect(prop.title, key).toEqual(expect.any(String));
      expect(prop.description, key).toEqual(expect.any(String));
      expect(prop.markdownDescription, key).toEqual(expect.any(String));
      expect(String(prop.description)).not.toContain('`');
    }
    expect(committed).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, type: 'object' });
  });

  it.each(readdirSync(path.join(REPO, 'examples')))("examples/%s's rdeploy.json (when there is one) validates", (example) => {
    let text: string;
    try {
      text = readFileSync(path.join(REPO, 'examples', example, 'rdeploy.json'), 'utf8');
    } catch {
      return; // no rdeploy.json: the defaults apply
    }
    const value: unknown = JSON.parse(text);
    expect(validator.safeParse(value).success).toBe(true);
    expect(ConfigSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    [{ $schema: '../schemas/rdeploy.schema.json', name: 'churn-v2', handler: 'models/churn.predict.glm', target: 'aci', baseImage: 'rocker/r-ver:4.4.1', port: 8080, exclude: ['data/raw'] }, true],
    [{}, true],
    [{ name: 'Upper' }, false],
    [{ name: 'a'.repeat(64) }, false],
    [{ handler: 'score' }, false],
    [{ handler: '../score.score' }, false],
    [{ target: 'kubernetes' }, false],
    [{ port: 70000 }, false],
    [{ port: 80.5 }, false],
    [{ exclude: 'data' }, false],
    [{ unknownKey: 1 }, false],
    [{ targets: { local: { port: 8080 }, lambda: { region: 'eu-central-1', memoryMb: 1024 } } }, true],
    [{ targets: { local: { port: 'x' } } }, false],
    [{ targets: { local: { prot: 1 } } }, false],
    [{ targets: { kubernetes: {} } }, false],
    [{ targets: { lambda: { memoryMb: 64 } } }, false],
  ])('the JSON Schema and ConfigSchema agree on %j (valid: %s)', (value, valid) => {
    expect(validator.safeParse(value).success).toBe(valid);
    expect(ConfigSchema.safeParse(value).success).toBe(valid);
  });
});
