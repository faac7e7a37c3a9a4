import type { LogEvent } from '../../core/deployment';
import type { Owner } from '../../core/owner';
import type { DeploymentRecord } from '../../core/records/record';
import { awsFailure } from '../../clouds/aws/session';
import type { LogOptions, TargetContext } from '../Target';
import { awsErrorName, lambdaClients, recordScope, type LambdaClients } from './clients';
import { lambdaRecordDetails } from './details';
import { logGroupName } from './names';

/** How often a followed log asks CloudWatch Logs for more when live tail is not available (FilterLogEvents allows 5 calls a second per account). */
const FOLLOW_POLL_MS = 2000;
/** How far back a plain `logs` looks. */
const LOOKBACK_MS = 60 * 60 * 1000;

/**
 * The function's log group, /aws/lambda/<function>: the last `tail` events of the past hour
 * (FilterLogEvents), then, when following, new ones live through StartLiveTail; where live tail
 * is refused or ends (IAM, a region without it, its 3-hour session limit), by polling
 * FilterLogEvents every two seconds, until the signal aborts.
 */
export async function* lambdaLogs(record: DeploymentRecord, opts: LogOptions, ctx: TargetContext): AsyncGenerator<LogEvent> {
  const scoped = { ...ctx, record };
  const clients = await lambdaClients(scoped, recordScope(scoped));
  const group = logGroupName(record.name);
  const poller = filterPoller(clients, group, record.name, opts.signal);
  const first = await poller.next();
  yield* opts.tail === undefined ? first : first.slice(first.length - Math.min(opts.tail, first.length));
  if (!opts.follow) return;
  const live = liveTail(clients, record, group, opts.signal);
  if (live) {
    try {
      yield* live;
    } catch {
      // refused or broken: polling below says what it finds
    }
  }
  while (!opts.signal?.aborted) {
    await sleep(FOLLOW_POLL_MS, opts.signal);
    if (opts.signal?.aborted) return;
    yield* await poller.next();
  }
}

/** Pages of FilterLogEvents from an advancing start time, each event once. */
function filterPoller({ logs, sdk }: LambdaClients, group: string, name: string, signal?: AbortSignal) {
  let since = Date.now() - LOOKBACK_MS;
  const seen = new Set<string>();
  return {
    async next(): Promise<LogEvent[]> {
      const events: LogEvent[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await logs.send(new sdk.logs.FilterLogEventsCommand({ logGroupName: group, startTime: since, nextToken: token }), { abortSignal: signal });
          for (const e of out.events ?? []) {
            if (!e.eventId || seen.has(e.eventId)) continue;
            seen.add(e.eventId);
            events.push(event(e.timestamp, e.message));
            since = Math.max(since, e.timestamp ?? since);
          }
          token = out.nextToken;
        } while (token && !signal?.aborted);
      } catch (e) {
        if (signal?.aborted) return events;
        // No log group yet: the function has not run (or logged) since it was created.
        if (awsErrorName(e) === 'ResourceNotFoundException') return events;
        throw awsFailure(`Reading the logs of ${name} (${group})`, e);
      }
      return events;
    },
  };
}

/**
 * StartLiveTail's event stream, as LogEvents; undefined when the log group's ARN cannot be told
 * (no function ARN recorded). Asked once, without the SDK's retries: a refusal falls back to
 * polling at once instead of after a minute of backoff.
 */
function liveTail({ session, sdk }: LambdaClients, record: DeploymentRecord, group: string, signal?: AbortSignal): AsyncGenerator<LogEvent> | undefined {
  const arn = lambdaRecordDetails(record.details).functionArn?.split(':');
  if (!arn || arn.length < 7) return undefined;
  const [, partition, , region, account] = arn;
  const client = new sdk.logs.CloudWatchLogsClient({ ...(session.config() as object), maxAttempts: 1 } as never);
  return (async function* () {
    try {
      const out = await client.send(new sdk.logs.StartLiveTailCommand({ logGroupIdentifiers: [`arn:${partition}:logs:${region}:${account}:log-group:${group}`] }), { abortSignal: signal });
      for await (const update of out.responseStream ?? []) {
        if (signal?.aborted) return;
        if (update.SessionTimeoutException || update.SessionStreamingException) return;
        for (const r of update.sessionUpdate?.sessionResults ?? []) yield event(r.timestamp, r.message);
      }
    } finally {
      client.destroy();
    }
  })();
}

const event = (timestamp: number | undefined, message: string | undefined): LogEvent => ({
  timestamp: new Date(timestamp ?? Date.now()).toISOString(),
  stream: 'stdout',
  message: (message ?? '').replace(/\n$/, ''),
});

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** `destroy --logs`: the function's log group, which a plain destroy keeps (Lambda writes it, not R Deploy). */
export async function purgeLambdaLogs(owner: Owner, record: DeploymentRecord | undefined, ctx: TargetContext): Promise<string | undefined> {
  const scoped = record ? { ...ctx, record } : ctx;
  const { logs, sdk } = await lambdaClients(scoped, recordScope(scoped));
  const group = logGroupName(owner.name);
  try {
    await logs.send(new sdk.logs.DeleteLogGroupCommand({ logGroupName: group }));
    return `log group ${group}`;
  } catch (e) {
    if (awsErrorName(e) === 'ResourceNotFoundException') return undefined;
    throw awsFailure(`Deleting the log group ${group}`, e);
  }
}
