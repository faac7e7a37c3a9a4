import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig, resolveSettings } from '../../../src/targets/config';

// Typed per-target settings: rdeploy.json's "targets" sections and --set KEY=VALUE, checked by
// each target's own schema, with one sentence that says what is wrong and what to do.
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-settings-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const config = async (json: unknown) => {
  writeFileSync(path.join(dir, 'rdeploy.json'), JSON.stringify(json));
  return readConfig(dir);
};

describe('target settings', () => {
  it('come from the target\'s section, with --set on top (values parsed as JSON when they are)', async () => {
    const { config: c } = await config({ targets: { local: { port: 8080, workers: 3 } } });
    expect(resolveSettings('local', c)).toEqual({ port: 8080, workers: 3 });
    expect(resolveSettings('local', c, ['port=9000', 'cpus=1.5'])).toEqual({ port: 9000, workers: 3, cpus: 1.5 });
  });

  it('an unknown key is one clear error naming the target\'s settings', async () => {
    expect(() => resolveSettings('local', {}, ['prot=1'])).toThrow(/^--set prot: the local target has no setting "prot"\. Its settings: port, workers, memoryMb, cpus, /);
    expect(() => resolveSettings('local', {}, ['port'])).toThrow(/^--set port: write it as KEY=VALUE/);
  });

  it('a bad value says which setting, why, and where to fix it', () => {
    expect(() => resolveSettings('local', {}, ['port=http'])).toThrow(/^The local setting "port" is invalid: .*Fix it in rdeploy\.json \("targets": \{"local": …\}\) or with --set port=…$/);
    expect(() => resolveSettings('local', {}, ['memoryMb=1'])).toThrow(/"memoryMb" is invalid/);
  });

  it('rdeploy.json errors say what is wrong and what to do', async () => {
    await expect(config({ targets: { local: { prot: 1 } } })).rejects.toThrow(/"targets\.local" has an unknown key "prot"\. Settings of local: port, workers/);
    await expect(config({ targets: { mars: {} } })).rejects.toThrow(/"targets" has an unknown key "mars"\. Targets are local, lambda, aci, batch\./);
    await expect(config({ port: 'x' })).rejects.toThrow(/"port" is invalid: .*Fix that value, or remove it to use the default/);
    await expect(config({ colour: 'blue' })).rejects.toThrow(/has an unknown key "colour"\. Known keys: name, handler, baseImage, exclude, target, targets, port/);
  });

  it('the old top-level "port" still works for local, with a deprecation note', async () => {
    const { config: c, notes } = await config({ port: 8123 });
    expect(resolveSettings('local', c)).toEqual({ port: 8123 });
    expect(notes).toEqual([expect.stringContaining('the top-level "port" is deprecated; move it to "targets": {"local": {"port": 8123}}')]);
    // The target's own section wins.
    const both = await config({ port: 8123, targets: { local: { port: 9000 } } });
    expect(resolveSettings('local', both.config)).toEqual({ port: 9000 });
  });

  it('a text setting keeps --set text as typed: glibcMax=2.30 is "2.30", not the number 2.3; enums too', () => {
    expect(resolveSettings('lambda', {}, ['glibcMax=2.30', 'architecture=arm64', 'memoryMb=512'])).toEqual({ glibcMax: '2.30', architecture: 'arm64', memoryMb: 512 });
  });
});
