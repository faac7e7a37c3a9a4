import { randomBytes } from 'node:crypto';
import { AwsError } from './faults';

/** The CloudWatch Logs double's state: log groups, their streams, and the streams' events. */

export interface StoredEvent {
  timestamp: number;
  ingestionTime: number;
  message: string;
  eventId: string;
  logStreamName: string;
}

export interface StoredStream {
  name: string;
  created: number;
  events: StoredEvent[];
}

export interface StoredGroup {
  name: string;
  created: number;
  streams: Map<string, StoredStream>;
  /** The stream `append` writes to when not told one: Lambda keeps one per execution environment. */
  currentStream?: string;
}

// LogGroupName in the API reference: 1–512 characters of [.\-_/#A-Za-z0-9].
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export class LogStore {
  readonly groups = new Map<string, StoredGroup>();
  private nextEventId = 1;

  createGroup(name: string, at = Date.now()): StoredGroup {
    if (!GROUP_NAME.test(name)) {
      throw new AwsError(400, 'InvalidParameterException', `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
    }
    if (this.groups.has(name)) throw new AwsError(400, 'ResourceAlreadyExistsException', 'The specified log group already exists');
    const group: StoredGroup = { name, created: at, streams: new Map() };
    this.groups.set(name, group);
    return group;
  }

  group(name: string): StoredGroup {
    const group = this.groups.get(name);
    if (!group) throw new AwsError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  /** Adds lines as events at `at`, creating the group and a Lambda-style stream as needed. */
  append(groupName: string, lines: string[], at: number, streamName?: string): string {
    const group = this.groups.get(groupName) ?? this.createGroup(groupName, at);
    const day = new Date(at).toISOString().slice(0, 10).replaceAll('-', '/');
    const current = group.currentStream;
    const name = streamName ?? (current?.startsWith(`${day}/`) ? current : `${day}/[$LATEST]${randomBytes(16).toString('hex')}`);
    if (streamName === undefined) group.currentStream = name;
    let stream = group.streams.get(name);
    if (!stream) {
      stream = { name, created: at, events: [] };
      group.streams.set(name, stream);
    }
    for (const message of lines) {
      const eventId = String(this.nextEventId++).padStart(56, '0');
      stream.events.push({ timestamp: at, ingestionTime: at, message, eventId, logStreamName: name });
    }
    return name;
  }
}

/** Offsets in an opaque token, as Logs' tokens are opaque; a token the double did not make is refused. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeToken(token: unknown): number {
  if (token === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the refusal below
  }
  throw new AwsError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
}

/** A `limit` input within [1, max], or the service's default when absent. */
export function limitOf(value: unknown, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new AwsError(400, 'InvalidParameterException', `1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return limit;
}
