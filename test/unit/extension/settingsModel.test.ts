import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { doc } from '../../../src/core/schemaDoc';
import {
  changedKeys,
  checkValue,
  defaultOf,
  deploySettings,
  mergeSettings,
  parseFieldInput,
  settingFields,
  settingRows,
  type SettingField,
} from '../../../src/extension/deploy/settingsModel';
import { CATALOGUE, catalogueEntry } from '../../../src/targets/catalogue';
import { ConfigSchema, resolveSettings } from '../../../src/targets/config';

const lambda = catalogueEntry('lambda').settings;
const local = catalogueEntry('local').settings;
const field = (fields: SettingField[], key: string) => fields.find((f) => f.key === key)!;

// A schema with the kinds no target has yet, as a new target could write it.
const Other = z
  .object({
    verbose: z.boolean().optional().meta(doc('Verbose', 'Say more. Default: `false`.')),
    zone: z.string().min(1).meta(doc('Zone', 'Required: where it runs.')),
    tags: z.array(z.string()).optional(),
  })
  .strict();

describe('the settings step, from a target schema', () => {
  it('lists every setting of the schema in order, with its title, description, kind and default', () => {
    const fields = settingFields(lambda);
    expect(fields.map((f) => f.key)).toEqual(Object.keys(lambda.shape));
    expect(field(fields, 'region')).toMatchObject({ title: 'Region', kind: 'string', defaultText: 'the standard AWS configuration (AWS_REGION, the profile)' });
    expect(field(fields, 'memoryMb')).toMatchObject({ title: 'Memory (MB)', kind: 'integer', defaultText: '1024' });
    expect(field(fields, 'architecture')).toMatchObject({ kind: 'enum', options: ['x86_64', 'arm64'], defaultText: 'x86_64' });
    expect(field(fields, 'glibcMax')).toMatchObject({ kind: 'string', defaultText: '2.34 (Amazon Linux 2023)' });
    expect(field(fields, 'profile').description).toBe('AWS profile of ~/.aws/config. Default: AWS_PROFILE, else the default profile.');
    const l = settingFields(local);
    expect(field(l, 'port')).toMatchObject({ title: 'Port', kind: 'integer', defaultText: "the previous deployment's port when it is free, else a free one" });
    expect(field(l, 'cpus')).toMatchObject({ kind: 'number', defaultText: '2' });
  });

  it('gives every setting of every catalogue target a title and a description to show', () => {
    for (const e of CATALOGUE) {
      for (const f of settingFields(e.settings)) {
        expect(f.title, `${e.kind}.${f.key}`).not.toBe(f.key);
        expect(f.description.length, `${e.kind}.${f.key}`).toBeGreaterThan(0);
        expect(f.kind, `${e.kind}.${f.key}`).not.toBe('other');
      }
    }
  });

  it('reads booleans, required fields and kinds it cannot edit from any schema', () => {
    const fields = settingFields(Other);
    expect(field(fields, 'verbose')).toMatchObject({ kind: 'boolean', options: ['true', 'false'], defaultText: 'false' });
    expect(field(fields, 'zone')).toMatchObject({ kind: 'string', title: 'Zone' });
    expect(field(fields, 'zone').defaultText).toBeUndefined();
    expect(field(fields, 'tags')).toMatchObject({ kind: 'other', title: 'tags', description: '' });
  });

  it('reads a name-or-text union (the Azure cloud) as text with the names offered', () => {
    const cloud = field(settingFields(catalogueEntry('aci').settings), 'cloud');
    expect(cloud).toMatchObject({ kind: 'string', options: ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] });
    expect(parseFieldInput(cloud, 'AzureChinaCloud')).toEqual({ ok: true, value: 'AzureChinaCloud' });
    expect(parseFieldInput(cloud, 'https://management.local.azurestack.external/')).toEqual({ ok: true, value: 'https://management.local.azurestack.external/' });
    expect(parseFieldInput(cloud, 'http://insecure.example.com/').ok).toBe(false);
    expect(parseFieldInput(cloud, '')).toEqual({ ok: true, value: undefined });
    // A union with a member that is not text stays out of the wizard.
    expect(field(settingFields(z.object({ n: z.union([z.number(), z.string()]).optional() })), 'n').kind).toBe('other');
  });

  it('takes the default from the "Default: …" sentence of a description', () => {
    expect(defaultOf('How long. Default: 60.')).toBe('60');
    expect(defaultOf('Larger payloads are refused. Default: 6, like AWS Lambda.')).toBe('6, like AWS Lambda');
    expect(defaultOf('Port. Default (or `0`): a free one.')).toBe('a free one');
    expect(defaultOf('Newest glibc. Default: 2.34 (AL2023). Raise it only for a stand-in.')).toBe('2.34 (AL2023)');
    expect(defaultOf('The Azure Batch account name.')).toBeUndefined();
  });
});

describe('an answer, checked by the field itself', () => {
  const fields = settingFields(lambda);

  it('turns text into the value the schema takes', () => {
    expect(parseFieldInput(field(fields, 'memoryMb'), ' 2048 ')).toEqual({ ok: true, value: 2048 });
    expect(parseFieldInput(field(fields, 'region'), 'eu-central-1')).toEqual({ ok: true, value: 'eu-central-1' });
    // A text setting keeps the text as typed, as --set does: "2.30" is not the number 2.3.
    expect(parseFieldInput(field(fields, 'glibcMax'), '2.30')).toEqual({ ok: true, value: '2.30' });
    expect(parseFieldInput(field(settingFields(local), 'cpus'), '1.5')).toEqual({ ok: true, value: 1.5 });
    expect(parseFieldInput(field(settingFields(Other), 'verbose'), 'true')).toEqual({ ok: true, value: true });
  });

  it('unsets an optional field on empty text (its default applies); a required one refuses it', () => {
    expect(parseFieldInput(field(fields, 'memoryMb'), '  ')).toEqual({ ok: true, value: undefined });
    expect(parseFieldInput(field(settingFields(Other), 'zone'), '')).toMatchObject({ ok: false, expected: 'value' });
  });

  it("refuses with the schema's own message", () => {
    expect(parseFieldInput(field(fields, 'memoryMb'), '64')).toEqual({ ok: false, message: 'Too small: expected number to be >=128.' });
    expect(parseFieldInput(field(fields, 'timeoutSeconds'), '901')).toEqual({ ok: false, message: 'Too big: expected number to be <=900.' });
    expect(parseFieldInput(field(fields, 'region'), 'Europe')).toEqual({ ok: false, message: 'An AWS region such as "eu-central-1".' });
    expect(parseFieldInput(field(fields, 'role'), 'my-role')).toMatchObject({ ok: false, message: expect.stringMatching(/^An IAM role ARN such as/) });
    const half = parseFieldInput(field(fields, 'memoryMb'), '1024.5');
    expect(half.ok).toBe(false);
  });

  it('refuses text that is not a number before the schema sees it (Number("0x10") is 16)', () => {
    expect(parseFieldInput(field(fields, 'memoryMb'), 'lots')).toMatchObject({ ok: false, expected: 'integer' });
    expect(parseFieldInput(field(fields, 'memoryMb'), '0x800')).toMatchObject({ ok: false, expected: 'integer' });
    expect(parseFieldInput(field(settingFields(local), 'cpus'), 'two')).toMatchObject({ ok: false, expected: 'number' });
    expect(parseFieldInput(field(settingFields(Other), 'verbose'), 'yes')).toMatchObject({ ok: false, expected: 'boolean' });
  });

  it('checks a value chosen from a list the same way', () => {
    expect(checkValue(field(fields, 'architecture'), 'arm64')).toEqual({ ok: true, value: 'arm64' });
    expect(checkValue(field(fields, 'architecture'), 'mips').ok).toBe(false);
    expect(checkValue(field(fields, 'profile'), 'my profile')).toEqual({ ok: false, message: 'An AWS profile name from ~/.aws/config.' });
    expect(checkValue(field(fields, 'profile'), undefined)).toEqual({ ok: true, value: undefined });
  });
});

describe('the settings a deploy gets', () => {
  const configured = { region: 'eu-west-1', memoryMb: 512 };

  it('are the configured ones with the changes on top; an unset one is left out', () => {
    expect(mergeSettings(configured, { memoryMb: 2048, architecture: 'arm64' })).toEqual({ region: 'eu-west-1', memoryMb: 2048, architecture: 'arm64' });
    expect(mergeSettings(configured, { region: undefined })).toEqual({ memoryMb: 512 });
    expect(configured).toEqual({ region: 'eu-west-1', memoryMb: 512 });
  });

  it('are checked by the whole schema, naming the setting that is wrong', () => {
    expect(deploySettings(lambda, configured, { timeoutSeconds: 30 })).toEqual({ ok: true, value: { region: 'eu-west-1', memoryMb: 512, timeoutSeconds: 30 } });
    expect(deploySettings(lambda, configured, { memoryMb: 5 })).toEqual({ ok: false, message: 'memoryMb: Too small: expected number to be >=128.' });
    expect(deploySettings(lambda, configured, { bogus: 1 })).toMatchObject({ ok: false });
  });

  it('are what --set would give: the same as resolveSettings for the same values', () => {
    const config = ConfigSchema.parse({ targets: { lambda: { region: 'eu-west-1', memoryMb: 512 } } });
    const fromFile = resolveSettings('lambda', config);
    const viaSet = resolveSettings('lambda', config, ['memoryMb=2048', 'glibcMax=2.30']);
    expect(deploySettings(lambda, fromFile, { memoryMb: 2048, glibcMax: '2.30' })).toEqual({ ok: true, value: viaSet });
  });

  it('show each setting with the value that applies, its default when unset, and what changed', () => {
    const rows = settingRows(settingFields(lambda), configured, { memoryMb: 2048, region: undefined, timeoutSeconds: 60 });
    const byKey = Object.fromEntries(rows.map((r) => [r.field.key, r]));
    expect(byKey.memoryMb).toMatchObject({ value: 2048, shown: '2048', changed: true });
    expect(byKey.region).toMatchObject({ value: undefined, shown: 'default: the standard AWS configuration (AWS_REGION, the profile)', changed: true });
    expect(byKey.timeoutSeconds).toMatchObject({ shown: '60', changed: true });
    expect(byKey.architecture).toMatchObject({ value: undefined, shown: 'default: x86_64', changed: false });
    expect(changedKeys(configured, { memoryMb: 512, region: 'eu-west-1' })).toEqual([]);
    expect(changedKeys(configured, { memoryMb: 512, region: undefined })).toEqual(['region']);
  });
});
