import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNamedPayload } from '../../../src/core/payloads';

const root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-named-payload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, '.rdeploy', 'payloads'), { recursive: true });
mkdirSync(path.join(root, 'samples'), { recursive: true });
writeFileSync(path.join(root, 'renv.lock'), '{"R": {"Version": "4.4.1"}}');
writeFileSync(path.join(root, 'one-car'), '{"not": "this"}');
writeFileSync(path.join(root, 'samples', 'one-car.json'), '{"wt": 2.62}');
writeFileSync(path.join(root, 'samples', 'both.json'), '{"from": "sample"}');
writeFileSync(path.join(root, '.rdeploy', 'payloads', 'both.json'), '{"from": "saved"}');
writeFileSync(path.join(root, '.rdeploy', 'payloads', 'broken.json'), '{"wt": ');

describe('readNamedPayload', () => {
  it('reads a sample by name, not a file of that name in the project root', async () => {
    expect(await readNamedPayload(root, 'one-car')).toBe('{"wt": 2.62}');
  });

  it('never reads other project files: renv.lock is not a payload name', async () => {
    await expect(readNamedPayload(root, 'renv.lock')).rejects.toThrow(/No saved payload or sample named "renv.lock"/);
    await expect(readNamedPayload(root, '../renv')).rejects.toThrow(/No saved payload or sample named/);
    await expect(readNamedPayload(root, path.join(root, 'renv.lock'))).rejects.toThrow(/No saved payload or sample named/);
  });

  it('prefers the saved payload over a sample of the same name, unless the origin says otherwise', async () => {
    expect(await readNamedPayload(root, 'both')).toBe('{"from": "saved"}');
    expect(await readNamedPayload(root, 'both', 'sample')).toBe('{"from": "sample"}');
    await expect(readNamedPayload(root, 'one-car', 'saved')).rejects.toThrow(/No saved payload/);
  });

  it('still validates the JSON it reads', async () => {
    await expect(readNamedPayload(root, 'broken')).rejects.toThrow(/broken\.json/);
  });
});
