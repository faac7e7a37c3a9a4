import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { poolExecutor, runMap } from '../../../src/core/map';
import { defaultOutput, earlierRun } from '../../../src/core/map/earlierRun';

// What Map over File asks about before a run: the state runMap wrote beside an output, compared
// with this input and deployment the way runMap itself will compare them.
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-earlier-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deployment = { name: 'm', target: 'local', deployedAt: '2026-11-30T00:00:00.000Z' };
const echo = poolExecutor([{ call: async (p) => ({ ok: true, value: JSON.parse(p) as unknown, raw: p }) }], { description: 'echo' });

async function mapped(input: string, output: string, chunkRows?: number): Promise<void> {
  await runMap({ input, output, ...(chunkRows ? { chunkRows } : {}), deployment, signal: new AbortController().signal, executor: async () => echo });
}

function csv(rows: number): string {
  const file = path.join(dir, 'cars.csv');
  writeFileSync(file, `x\n${Array.from({ length: rows }, (_, i) => i).join('\n')}\n`);
  return file;
}

describe('defaultOutput', () => {
  it('is the input name with .scored.jsonl, beside it', () => {
    expect(defaultOutput(path.join('/data', 'cars.csv'))).toBe(path.join('/data', 'cars.scored.jsonl'));
    expect(defaultOutput(path.join('/data', 'grid.v2.json'))).toBe(path.join('/data', 'grid.v2.scored.jsonl'));
  });
});

describe('earlierRun', () => {
  it('none when nothing (or an empty file) is at the output', async () => {
    const input = csv(3);
    const output = path.join(dir, 'out.jsonl');
    await expect(earlierRun(output, input, deployment)).resolves.toEqual({ kind: 'none' });
    writeFileSync(output, '');
    await expect(earlierRun(output, input, deployment)).resolves.toEqual({ kind: 'none' });
  });

  it('foreign for a file rdeploy map did not write, naming the JSON Lines file of a .csv output', async () => {
    const input = csv(3);
    writeFileSync(path.join(dir, 'out.jsonl'), '{"mine": true}\n');
    await expect(earlierRun(path.join(dir, 'out.csv'), input, deployment)).resolves.toEqual({ kind: 'foreign', file: path.join(dir, 'out.jsonl') });
  });

  it('resumable for the same input and deployment, with the chunk size the earlier run used', async () => {
    const input = csv(30);
    const output = path.join(dir, 'out.jsonl');
    await mapped(input, output, 7);
    await expect(earlierRun(output, input, deployment)).resolves.toMatchObject({ kind: 'resumable', state: { chunkRows: 7, units: 5, deployment } });
  });

  it('other, with the reason, for another input, a redeploy or another deployment', async () => {
    const input = csv(3);
    const output = path.join(dir, 'out.jsonl');
    await mapped(input, output);
    await expect(earlierRun(output, input, { ...deployment, deployedAt: '2026-12-01T00:00:00.000Z' })).resolves.toEqual({ kind: 'other', why: 'm was deployed again since (2026-11-30T00:00:00.000Z)' });
    await expect(earlierRun(output, input, { ...deployment, name: 'n' })).resolves.toEqual({ kind: 'other', why: 'they came from m (local)' });
    csv(4);
    await expect(earlierRun(output, input, deployment)).resolves.toMatchObject({ kind: 'other', why: expect.stringMatching(/^the input is not the same file as then \(/) });
  });
});
