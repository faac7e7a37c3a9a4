import type { LogEvent } from '../../core/deployment';
import type { DeploymentRecord } from '../../core/records/record';
import { awsFailure } from '../../clouds/aws/session';
import type { LogOptions, TargetContext } from '../Target';
import { awsErrorName, lambdaClients, recordScope } from './clients';
import { logGroupName } from './names';

/** How often a followed log asks CloudWatch Logs for more (FilterLogEvents is throttled at 5 calls a second per account). */
const FOLLOW_POLL_MS = 2000;
/** How far back a plain `logs` looks. */
const LOOKBACK_MS = 60 * 60 * 1000;

/**
 * The function's log group, /aws/lambda/<function>, through FilterLogEvents: the last `tail`
 * events of the past hour, then (follow) new ones every two seconds until the signal aborts.
 */
export async function* lambdaLogs(record: DeploymentRecord, opts: LogOptions, ctx: TargetContext): AsyncGenerator<LogEvent> {
  const scoped = { ...ctx, record };
  const { logs, sdk } = await lambdaClients(scoped, recordScope(scoped));
  const group = logGroupName(record.name);
  let since = Date.now() - LOOKBACK_MS;
  const seen = new Set<string>();
  const page = async (): Promise<LogEvent[]> => {
    const events: LogEvent[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await logs.send(new sdk.logs.FilterLogEventsCommand({ logGroupName: group, startTime: since, nextToken: token }), { abortSignal: opts.signal });
        for (const e of out.events ?? []) {
          if (!e.eventId || seen.has(e.eventId)) continue;
          seen.add(e.eventId);
          events.push({ timestamp: new Date(e.timestamp ?? Date.now()).toISOString(), stream: 'stdout', message: (e.message ?? '').replace(/\n$/, '') });
          since = Math.max(since, e.timestamp ?? since);
        }
        token = out.nextToken;
      } while (token && !opts.signal?.aborted);
    } catch (e) {
      if (opts.signal?.aborted) return events;
      // No log group yet: the function has not run (or logged) since it was created.
      if (awsErrorName(e) === 'ResourceNotFoundException') return events;
      throw awsFailure(`Reading the logs of ${record.name} (${group})`, e);
    }
    return events;
  };
  const first = await page();
  yield* opts.tail !== undefined ? first.slice(-opts.tail) : first;
  while (opts.follow && !opts.signal?.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, FOLLOW_POLL_MS);
      opts.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (opts.signal?.aborted) return;
    yield* await page();
  }
}
