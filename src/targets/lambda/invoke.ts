import { AppError, cancelledError } from '../../core/errors';
import type { InvokeResult } from '../../core/deployment';
import type { DeploymentRecord } from '../../core/records/record';
import { awsFailure } from '../../clouds/aws/session';
import type { TargetContext } from '../Target';
import { lambdaClients, recordScope } from './clients';
import { lambdaRecordDetails } from './details';
import { checkPayload } from './package/quotas';

/**
 * A synchronous invoke (RequestResponse) with the last 4 KB of the log (LogType Tail). A handler
 * error is an answer, not a failure: ok false, with the runtime's {errorType, errorMessage}.
 * A payload Lambda would refuse is refused here, before anything is sent.
 */
export async function invokeLambda(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult> {
  const { functionArn, bytes, lambda, sdk } = await prepare(record, payload, 'RequestResponse', ctx);
  const started = performance.now();
  let out;
  try {
    out = await lambda.send(new sdk.lambda.InvokeCommand({ FunctionName: functionArn, Payload: bytes, LogType: 'Tail' }), { abortSignal: ctx.signal });
  } catch (e) {
    if (ctx.signal?.aborted) throw cancelledError();
    const failure = awsFailure(`Invoking ${record.name}`, e);
    throw new AppError('invoke-failed', failure.message, { cause: e });
  }
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const raw = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON: the raw text is the answer
  }
  const logTail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined;
  const billed = logTail ? /Billed Duration: (\d+) ms/.exec(logTail)?.[1] : undefined;
  return {
    ok: !out.FunctionError,
    body,
    raw,
    durationMs,
    ...(billed ? { billedDurationMs: Number(billed) } : {}),
    ...(logTail ? { logTail } : {}),
  };
}

/** An Event invocation: Lambda queues it (202) and retries a failure twice; the answer goes nowhere. 1 MB at most. */
export async function invokeLambdaAsync(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<{ requestId?: string }> {
  const { functionArn, bytes, lambda, sdk } = await prepare(record, payload, 'Event', ctx);
  try {
    const out = await lambda.send(new sdk.lambda.InvokeCommand({ FunctionName: functionArn, Payload: bytes, InvocationType: 'Event' }), { abortSignal: ctx.signal });
    return out.$metadata.requestId ? { requestId: out.$metadata.requestId } : {};
  } catch (e) {
    if (ctx.signal?.aborted) throw cancelledError();
    throw new AppError('invoke-failed', awsFailure(`Queueing an invocation of ${record.name}`, e).message, { cause: e });
  }
}

/** The function to call, the payload as bytes (refused here when Lambda would refuse it), and the clients. */
async function prepare(record: DeploymentRecord, payload: string, type: 'RequestResponse' | 'Event', ctx: TargetContext) {
  const { functionArn } = lambdaRecordDetails(record.details);
  if (!functionArn) throw new AppError('invoke-failed', `"${record.name}" has no function yet (its status is ${record.status}). Deploy it with \`rdeploy deploy --target lambda\`.`);
  const bytes = Buffer.from(payload, 'utf8');
  const tooLarge = checkPayload(bytes.length, type);
  if (tooLarge) throw new AppError('payload-invalid', tooLarge.message);
  const scoped = { ...ctx, record };
  return { functionArn, bytes, ...(await lambdaClients(scoped, recordScope(scoped))) };
}
