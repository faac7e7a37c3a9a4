import { AwsError } from './faults';
import { AwsDouble } from './http';
import { awsJsonProtocol, type JsonHandler } from './json';
import { compileFilterPattern } from './logFilter';
import { decodeToken, encodeToken, limitOf, LogStore, type StoredEvent, type StoredGroup } from './logStore';

/**
 * Test double of Amazon CloudWatch Logs, driven by the real @aws-sdk/client-cloudwatch-logs
 * (awsJson1_1, `X-Amz-Target: Logs_20140328.<Operation>`).
 *
 * Operations: DescribeLogGroups, CreateLogGroup, DeleteLogGroup, FilterLogEvents (term filter
 * patterns, time range, limit, nextToken), GetLogEvents. Tests write events with `append`, the
 * way a Lambda function's output lands in `/aws/lambda/<name>`.
 *
 * StartLiveTail is not streamed: it answers ServiceUnavailableException (HTTP 500, "The service
 * cannot complete the request."), the error the API lists for a service that cannot serve the
 * call. The SDK retries it as a transient 5xx and then throws it, so a tailer sees live tail fail
 * and must fall back to polling FilterLogEvents — which this double serves. A client pointed at
 * the double must set `disableHostPrefix: true` to reach it at all: StartLiveTail's endpoint has
 * the host prefix `stream-`, which would turn 127.0.0.1 into the name `stream-127.0.0.1`.
 */

export interface LogsDoubleOptions {
  accountId?: string;
  region?: string;
}

export class LogsDouble extends AwsDouble {
  private readonly store: LogStore;

  private constructor(opts: Required<LogsDoubleOptions>, store = new LogStore()) {
    super(awsJsonProtocol({ targetPrefix: 'Logs_20140328', throttleStatus: 400, handlers: handlers(opts, store) }));
    this.store = store;
  }

  static async start(opts: LogsDoubleOptions = {}): Promise<LogsDouble> {
    const double = new LogsDouble({ accountId: opts.accountId ?? '123456789012', region: opts.region ?? 'us-east-1' });
    await double.listen();
    return double;
  }

  /**
   * Writes `lines` as log events at `at` (default now) to a stream of the group, creating the
   * group and a stream named like Lambda's (`2026/11/30/[$LATEST]<32 hex>`) as needed; later
   * appends of the same UTC day reuse it unless `stream` names another. Returns the stream name.
   */
  append(logGroupName: string, lines: string[], at = Date.now(), opts: { stream?: string } = {}): string {
    return this.store.append(logGroupName, lines, at, opts.stream);
  }

  /** Names of the log groups that exist now, sorted as DescribeLogGroups lists them. */
  groups(): string[] {
    return [...this.store.groups.keys()].sort();
  }
}

function handlers({ accountId, region }: Required<LogsDoubleOptions>, store: LogStore): Record<string, JsonHandler> {
  const arnOf = (name: string) => `arn:aws:logs:${region}:${accountId}:log-group:${name}`;
  const groupOf = (params: Record<string, unknown>): StoredGroup => {
    const identifier = params.logGroupName ?? params.logGroupIdentifier;
    if (typeof identifier !== 'string') throw new AwsError(400, 'InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
    return store.group(identifier.replace(/^arn:aws:logs:[^:]*:\d*:log-group:/, '').replace(/:\*$/, ''));
  };
  return {
    DescribeLogGroups: (params) => {
      const prefix = typeof params.logGroupNamePrefix === 'string' ? params.logGroupNamePrefix : '';
      const names = [...store.groups.keys()].filter((name) => name.startsWith(prefix)).sort();
      const { items, nextToken } = pageOf(names, params, 50, 50);
      const logGroups = items.map((name) => {
        const group = store.group(name);
        const storedBytes = [...group.streams.values()].flatMap((s) => s.events).reduce((n, e) => n + Buffer.byteLength(e.message), 0);
        return { logGroupName: name, creationTime: group.created, metricFilterCount: 0, arn: `${arnOf(name)}:*`, storedBytes, logGroupClass: 'STANDARD', logGroupArn: arnOf(name) };
      });
      return { logGroups, nextToken };
    },
    CreateLogGroup: (params) => {
      store.createGroup(String(params.logGroupName ?? ''));
      return undefined;
    },
    DeleteLogGroup: (params) => {
      store.groups.delete(groupOf(params).name);
      return undefined;
    },
    FilterLogEvents: (params) => {
      const group = groupOf(params);
      const matches = compileFilterPattern(params.filterPattern as string | undefined);
      const streamNames = Array.isArray(params.logStreamNames) ? (params.logStreamNames as string[]) : undefined;
      const prefix = typeof params.logStreamNamePrefix === 'string' ? params.logStreamNamePrefix : '';
      const events = [...group.streams.values()]
        .filter((s) => (streamNames ? streamNames.includes(s.name) : s.name.startsWith(prefix)))
        .flatMap((s) => s.events)
        .filter((e) => inRange(e, params) && matches(e.message))
        .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
      const { items, nextToken } = pageOf(events, params, 10_000, 10_000);
      return { events: items.map(({ logStreamName, timestamp, message, ingestionTime, eventId }) => ({ logStreamName, timestamp, message, ingestionTime, eventId })), searchedLogStreams: [], nextToken };
    },
    GetLogEvents: (params) => getLogEvents(groupOf(params), params),
    StartLiveTail: () => {
      throw new AwsError(500, 'ServiceUnavailableException', 'The service cannot complete the request.');
    },
  };
}

/**
 * GetLogEvents pages with `f/<index>` and `b/<index>` tokens; at either end it hands back the
 * token it was given, as the service does, so a reader polls with the same token.
 */
function getLogEvents(group: StoredGroup, params: Record<string, unknown>): Record<string, unknown> {
  const stream = group.streams.get(String(params.logStreamName ?? ''));
  if (!stream) throw new AwsError(400, 'ResourceNotFoundException', 'The specified log stream does not exist.');
  const events = stream.events.filter((e) => inRange(e, params));
  const limit = limitOf(params.limit, 10_000, 10_000);
  const token = typeof params.nextToken === 'string' ? params.nextToken : params.startFromHead === true ? 'f/0' : `b/${events.length}`;
  const [, direction, at] = /^([fb])\/(\d+)$/.exec(token) ?? [];
  if (!direction || at === undefined) throw new AwsError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
  const position = Math.min(Number(at), events.length);
  const [start, end] = direction === 'f' ? [position, Math.min(position + limit, events.length)] : [Math.max(0, position - limit), position];
  return {
    events: events.slice(start, end).map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
    nextForwardToken: `f/${end}`,
    nextBackwardToken: `b/${start}`,
  };
}

/** startTime and endTime (epoch ms) both include their bound: "events with a timestamp before/later than this time are not returned". */
function inRange(event: StoredEvent, params: Record<string, unknown>): boolean {
  const { startTime, endTime } = params;
  return (typeof startTime !== 'number' || event.timestamp >= startTime) && (typeof endTime !== 'number' || event.timestamp <= endTime);
}

function pageOf<T>(items: T[], params: Record<string, unknown>, max: number, fallback: number): { items: T[]; nextToken?: string } {
  const limit = limitOf(params.limit, max, fallback);
  const start = decodeToken(params.nextToken);
  const end = start + limit;
  return { items: items.slice(start, end), nextToken: end < items.length ? encodeToken(end) : undefined };
}
