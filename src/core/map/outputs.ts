import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../errors';
import type { InputFormat } from './input';

/**
 * The files of one map. `--output x.jsonl`: the answers, one record per line. `--output x.csv`:
 * the CSV (one row per input row) and, beside it, `x.jsonl` with every record, which the CSV is
 * made from and a rerun resumes from. Always beside the JSON Lines: `<jsonl>.map.json`, what the
 * answers belong to (the input's size and hash, the chunk size, the deployment), so a rerun
 * knows whether it may resume.
 */
export interface MapOutputs {
  jsonl: string;
  csv?: string;
  state: string;
}

export function mapOutputs(output: string, input: string): MapOutputs {
  const out = path.resolve(output);
  const csv = path.extname(out).toLowerCase() === '.csv' ? out : undefined;
  const jsonl = csv ? `${out.slice(0, -4)}.jsonl` : out;
  const outputs = { jsonl, ...(csv ? { csv } : {}), state: `${jsonl}.map.json` };
  const inPath = path.resolve(input);
  for (const p of Object.values(outputs)) {
    if (p === inPath) {
      throw new AppError('usage', csv && p === jsonl ? `--output ${output} keeps its JSON Lines records in ${jsonl}, which is the input: choose another output name.` : `The output ${p} is the input: choose another --output.`);
    }
  }
  return outputs;
}

/** What the answers in an output belong to. */
export interface MapState {
  version: 1;
  input: { file: string; format: InputFormat; size: number; sha256: string; mtime: string };
  /** Rows per chunk; null for a JSON array (one element per call). */
  chunkRows: number | null;
  /** The deployment that answered; `deployedAt` changes with every deploy, so a redeployed model is not mixed with the old one. */
  deployment: { name: string; target: string; deployedAt: string };
  /** How many units the input has, once a run has read it to its end. */
  units?: number;
}

export async function readState(file: string): Promise<MapState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const s = JSON.parse(text) as MapState;
    if (s.version === 1 && s.input && s.deployment) return s;
  } catch {
    // not ours: said below
  }
  throw new AppError('usage', `${file} is not a state file of rdeploy map. Delete it, or pass --restart to start over.`);
}

/** Written whole or not at all (a temporary file renamed over it). */
export async function writeState(file: string, state: MapState): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Why the answers in an output cannot be resumed with this run, in words; undefined when they can.
 * The input's bytes, the chunk size and the deployment must all be the same.
 */
export function stateMismatch(before: MapState, now: MapState): string | undefined {
  const diffs: string[] = [];
  if (before.input.sha256 !== now.input.sha256 || before.input.size !== now.input.size || before.input.format !== now.input.format) {
    diffs.push(`the input is not the same file as then (${before.input.file}, ${before.input.size} bytes, modified ${before.input.mtime})`);
  }
  if (before.chunkRows !== now.chunkRows) diffs.push(`the chunks were ${before.chunkRows ?? 'one element'} rows then, ${now.chunkRows ?? 'one element'} now`);
  if (before.deployment.name !== now.deployment.name || before.deployment.target !== now.deployment.target) {
    diffs.push(`they came from ${before.deployment.name} (${before.deployment.target})`);
  } else if (before.deployment.deployedAt !== now.deployment.deployedAt) {
    diffs.push(`${now.deployment.name} was deployed again since (${before.deployment.deployedAt})`);
  }
  return diffs.length ? diffs.join('; ') : undefined;
}

export async function removeOutputs(o: MapOutputs): Promise<void> {
  for (const p of [o.jsonl, o.csv, o.state]) if (p) await rm(p, { force: true });
}
