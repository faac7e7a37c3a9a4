// An invoke's answer from its task: the handler's result or error as the body, or one sentence
// with Batch's reason when the task gave no answer.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/core/errors';
import { invokeResult } from '../../../../src/targets/batch/invoke';

describe('invokeResult', () => {
  it('exit 0: ok, the JSON parsed, the text kept verbatim', () => {
    expect(invokeResult({ result: '{"mpg":21.40}', exitCode: 0, attempts: 1 }, 'rdeploy-churn-invoke-abc', 1234)).toEqual({ ok: true, body: { mpg: 21.4 }, raw: '{"mpg":21.40}', durationMs: 1234, runId: 'rdeploy-churn-invoke-abc' });
  });

  it("a handler error (exit 1 with the error JSON) is an answer, not ok", () => {
    const r = invokeResult({ result: '{"errorType":"simpleError","errorMessage":"no rows"}', exitCode: 1, attempts: 1 }, 'j', 5);
    expect(r).toMatchObject({ ok: false, body: { errorType: 'simpleError', errorMessage: 'no rows' } });
  });

  it('text that is not JSON is the body as it is', () => {
    expect(invokeResult({ result: 'plain text', exitCode: 0, attempts: 1 }, 'j', 5).body).toBe('plain text');
  });

  it.each([
    [{ failure: 'ContainerPullImageFailed: the image could not be pulled', exitCode: -1 }, '(ContainerPullImageFailed: the image could not be pulled)'],
    [{ exitCode: 137, stderrTail: 'Killed' }, '(exit 137: Killed)'],
    [{ exitCode: 3 }, '(exit 3)'],
    [{}, '(no output)'],
  ])('no result: one sentence with why (%j)', (a, why) => {
    let e: unknown;
    try {
      invokeResult({ ...a, attempts: 1 }, 'rdeploy-churn-invoke-abc', 5);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invoke-failed');
    expect((e as AppError).message).toBe(`The task of rdeploy-churn-invoke-abc ended without a result ${why}. \`rdeploy logs\` shows its output.`);
  });
});
