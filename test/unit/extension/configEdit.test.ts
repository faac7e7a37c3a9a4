import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTargetSettings } from '../../../src/extension/deploy/configEdit';
import { readConfig } from '../../../src/targets/config';

// "Save to rdeploy.json" in the Deploy wizard: targets.<kind> replaced, the rest of the file kept.
describe('saving the wizard settings into rdeploy.json', () => {
  it('creates the file when there is none: two-space JSON with a final newline', () => {
    expect(withTargetSettings(undefined, 'lambda', { region: 'eu-west-1', memoryMb: 2048, profile: undefined })).toBe(
      '{\n  "targets": {\n    "lambda": {\n      "region": "eu-west-1",\n      "memoryMb": 2048\n    }\n  }\n}\n',
    );
  });

  it("keeps the user's other keys, their order, other targets' sections and the file's indentation", () => {
    const text = ['{', '    "name": "churn",', '    "targets": {', '        "local": { "port": 8181 },', '        "lambda": { "memoryMb": 512 }', '    },', '    "handler": "score.score"', '}', ''].join('\n');
    const out = withTargetSettings(text, 'lambda', { memoryMb: 1024, architecture: 'arm64' });
    expect(JSON.parse(out)).toEqual({ name: 'churn', targets: { local: { port: 8181 }, lambda: { memoryMb: 1024, architecture: 'arm64' } }, handler: 'score.score' });
    expect(Object.keys(JSON.parse(out) as object)).toEqual(['name', 'targets', 'handler']);
    expect(out).toMatch(/^ {4}"name": "churn",$/m);
    expect(out).toMatch(/^ {12}"architecture": "arm64"$/m);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it("keeps the section's key order, adds new keys last and removes the ones set back to the default", () => {
    const text = JSON.stringify({ targets: { lambda: { timeoutSeconds: 30, region: 'eu-west-1', memoryMb: 512 } } }, null, 2);
    const out = JSON.parse(withTargetSettings(text, 'lambda', { region: 'us-east-1', memoryMb: undefined, timeoutSeconds: 30, architecture: 'arm64' })) as {
      targets: { lambda: Record<string, unknown> };
    };
    expect(Object.entries(out.targets.lambda)).toEqual([
      ['timeoutSeconds', 30],
      ['region', 'us-east-1'],
      ['architecture', 'arm64'],
    ]);
  });

  it('drops a section left empty, and "targets" when nothing else was in it', () => {
    const only = JSON.stringify({ name: 'a', targets: { lambda: { memoryMb: 512 } } }, null, 2);
    expect(JSON.parse(withTargetSettings(only, 'lambda', { memoryMb: undefined }))).toEqual({ name: 'a' });
    const shared = JSON.stringify({ targets: { local: { port: 8080 }, lambda: { memoryMb: 512 } } }, null, 2);
    expect(JSON.parse(withTargetSettings(shared, 'lambda', {}))).toEqual({ targets: { local: { port: 8080 } } });
    expect(JSON.parse(withTargetSettings('{"name": "a"}\n', 'lambda', {}))).toEqual({ name: 'a' });
  });

  it('keeps CRLF line endings, tabs, a missing final newline, and a one-line file on one line', () => {
    const crlf = '{\r\n\t"name": "a"\r\n}';
    const out = withTargetSettings(crlf, 'local', { port: 9000 });
    expect(out).toBe('{\r\n\t"name": "a",\r\n\t"targets": {\r\n\t\t"local": {\r\n\t\t\t"port": 9000\r\n\t\t}\r\n\t}\r\n}');
    expect(withTargetSettings('{"name":"a"}\n', 'local', { port: 9000 })).toBe('{"name":"a","targets":{"local":{"port":9000}}}\n');
  });

  it('refuses, changing nothing, a file that is not JSON or not an object, or a result the schema rejects', () => {
    expect(() => withTargetSettings('{"name": "a",', 'lambda', {})).toThrow(/rdeploy\.json is not valid JSON .*fix it first/);
    expect(() => withTargetSettings('[1]', 'lambda', {})).toThrow(/does not hold a JSON object/);
    expect(() => withTargetSettings('{"targets": 3}', 'lambda', {})).toThrow(/"targets" in rdeploy\.json is not an object/);
    expect(() => withTargetSettings('{}', 'lambda', { memoryMb: 5 })).toThrow(/would be invalid \("targets\.lambda\.memoryMb": Too small.*not changed/);
  });

  it('writes what readConfig then reads back, deprecated keys and all', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-cfg-'));
    writeFileSync(path.join(root, 'rdeploy.json'), withTargetSettings('{\n  "port": 8080\n}\n', 'lambda', { region: 'eu-west-1', glibcMax: '2.30' }));
    const { config, notes } = await readConfig(root);
    expect(config).toEqual({ port: 8080, targets: { lambda: { region: 'eu-west-1', glibcMax: '2.30' } } });
    expect(notes).toHaveLength(1);
    rmSync(root, { recursive: true, force: true });
  });
});
