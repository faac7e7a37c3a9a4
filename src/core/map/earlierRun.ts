import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { inputIdentity } from './identity';
import { detectFormat } from './input';
import { mapOutputs, readState, stateMismatch, type MapState } from './outputs';

/** `cars.csv` → `cars.scored.jsonl` beside it: where a map writes when nobody chose. */
export function defaultOutput(input: string): string {
  return path.join(path.dirname(input), `${path.basename(input, path.extname(input))}.scored.jsonl`);
}

/**
 * What an earlier run left at an output, so that a person can be asked before a run resumes it
 * or removes it:
 * - `none`: no answers there;
 * - `foreign`: a file rdeploy map did not write (no state beside it): runMap refuses it unless restarting;
 * - `resumable`: answers of this input and deployment: a run with the chunk size they were made
 *   with (`state.chunkRows`) goes on from them;
 * - `other`: answers of another input or deployment, `why` in words: only starting over can use this output.
 */
export type EarlierRun = { kind: 'none' } | { kind: 'foreign'; file: string } | { kind: 'resumable'; state: MapState } | { kind: 'other'; why: string };

/** Reads the input once when there is a state to compare it with (its hash, as runMap will). */
export async function earlierRun(output: string, input: string, deployment: MapState['deployment'], signal?: AbortSignal): Promise<EarlierRun> {
  const outputs = mapOutputs(output, input);
  if (!(await stat(outputs.jsonl).catch(() => undefined))?.size) return { kind: 'none' };
  const before = await readState(outputs.state);
  if (!before) return { kind: 'foreign', file: outputs.jsonl };
  const [format, identity] = await Promise.all([detectFormat(input), inputIdentity(input, signal)]);
  const now: MapState = {
    version: 1,
    input: { file: input, format, size: identity.size, sha256: identity.sha256, mtime: identity.mtime },
    // The chunk size is the earlier run's to choose: resuming uses it.
    chunkRows: before.chunkRows,
    deployment,
  };
  const why = stateMismatch(before, now);
  return why ? { kind: 'other', why } : { kind: 'resumable', state: before };
}
