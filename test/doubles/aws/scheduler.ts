import { AwsError } from './faults';
import { AwsDouble } from './http';
import { restJsonProtocol, type RestInput, type RestRoute } from './rest';
import { checkScheduleExpression } from './scheduleExpression';

/**
 * Test double of Amazon EventBridge Scheduler, driven by the real @aws-sdk/client-scheduler
 * (restJson1): CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, ListSchedules.
 * Schedules never fire; a test reads what was asked for with `schedules()`. Groups other than
 * `default` exist only when given to `start({ groups })`, as they must be created first.
 * Error texts follow the service's ("Schedule X does not exist.", "Schedule X already exists.",
 * "Invalid Schedule Expression X.").
 */

export interface ScheduleView {
  name: string;
  group: string;
  expression: string;
  target: { arn: string; roleArn: string; input?: string };
}

interface StoredSchedule {
  name: string;
  group: string;
  arn: string;
  clientToken?: string;
  created: number;
  modified: number;
  /** The request body as sent (ScheduleExpression, Target, FlexibleTimeWindow, State, …). */
  input: Record<string, unknown>;
}

export interface SchedulerDoubleOptions {
  accountId?: string;
  region?: string;
  /** Schedule groups that exist besides `default`. */
  groups?: string[];
}

export class SchedulerDouble extends AwsDouble {
  private readonly store: Map<string, StoredSchedule>;

  private constructor(opts: Required<SchedulerDoubleOptions>, store = new Map<string, StoredSchedule>()) {
    super(restJsonProtocol(routes(opts, store)));
    this.store = store;
  }

  static async start(opts: SchedulerDoubleOptions = {}): Promise<SchedulerDouble> {
    const double = new SchedulerDouble({ accountId: opts.accountId ?? '123456789012', region: opts.region ?? 'us-east-1', groups: ['default', ...(opts.groups ?? [])] });
    await double.listen();
    return double;
  }

  /** The schedules that exist now, in creation order. */
  schedules(): ScheduleView[] {
    return [...this.store.values()].map(({ name, group, input }) => {
      const target = input.Target as { Arn: string; RoleArn: string; Input?: string };
      return { name, group, expression: String(input.ScheduleExpression), target: { arn: target.Arn, roleArn: target.RoleArn, ...(target.Input === undefined ? {} : { input: target.Input }) } };
    });
  }
}

function routes({ accountId, region, groups }: Required<SchedulerDoubleOptions>, store: Map<string, StoredSchedule>): RestRoute[] {
  const groupOf = (group: unknown): string => {
    const name = typeof group === 'string' && group !== '' ? group : 'default';
    if (!groups.includes(name)) throw new AwsError(404, 'ResourceNotFoundException', `Schedule group ${name} does not exist.`);
    return name;
  };
  const existing = (input: RestInput, group: string): StoredSchedule => {
    const schedule = store.get(`${group}/${input.label}`);
    if (!schedule) throw new AwsError(404, 'ResourceNotFoundException', `Schedule ${input.label} does not exist.`);
    return schedule;
  };
  return [
    {
      method: 'POST', path: '/schedules/{Name}', operation: 'CreateSchedule',
      handler: (input: RestInput) => {
        const name = checkName(input.label);
        const group = groupOf(input.body.GroupName);
        checkScheduleInput(input.body);
        const key = `${group}/${name}`;
        const found = store.get(key);
        // A retry with the same ClientToken is the same request: answered again, not a conflict.
        if (found && found.clientToken !== undefined && found.clientToken === input.body.ClientToken) return { ScheduleArn: found.arn };
        if (found) throw new AwsError(409, 'ConflictException', `Schedule ${name} already exists.`);
        const now = Date.now();
        const arn = `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`;
        store.set(key, { name, group, arn, clientToken: input.body.ClientToken as string | undefined, created: now, modified: now, input: input.body });
        return { ScheduleArn: arn };
      },
    },
    {
      method: 'GET', path: '/schedules/{Name}', operation: 'GetSchedule',
      handler: (input: RestInput) => scheduleJson(existing(input, groupOf(input.query.get('groupName')))),
    },
    {
      method: 'PUT', path: '/schedules/{Name}', operation: 'UpdateSchedule',
      handler: (input: RestInput) => {
        const schedule = existing(input, groupOf(input.body.GroupName));
        checkScheduleInput(input.body);
        // UpdateSchedule replaces the whole definition: what the request leaves out is reset.
        Object.assign(schedule, { input: input.body, modified: Date.now() });
        return { ScheduleArn: schedule.arn };
      },
    },
    {
      method: 'DELETE', path: '/schedules/{Name}', operation: 'DeleteSchedule',
      handler: (input: RestInput) => {
        const schedule = existing(input, groupOf(input.query.get('groupName')));
        store.delete(`${schedule.group}/${schedule.name}`);
        return {};
      },
    },
    {
      method: 'GET', path: '/schedules', operation: 'ListSchedules',
      handler: (input: RestInput) => listSchedules([...store.values()], input.query),
    },
  ];
}

function checkName(name: string | undefined): string {
  if (name === undefined || !/^[0-9a-zA-Z\-_.]{1,64}$/.test(name)) {
    throw new AwsError(400, 'ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`);
  }
  return name;
}

/** The members CreateSchedule and UpdateSchedule both require, checked as the service does. */
function checkScheduleInput(body: Record<string, unknown>): void {
  const missing = (member: string) => new AwsError(400, 'ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (typeof body.ScheduleExpression !== 'string') throw missing('scheduleExpression');
  const target = body.Target as Record<string, unknown> | undefined;
  if (!target) throw missing('target');
  if (typeof target.Arn !== 'string') throw missing('target.arn');
  if (typeof target.RoleArn !== 'string') throw missing('target.roleArn');
  const window = body.FlexibleTimeWindow as Record<string, unknown> | undefined;
  if (!window) throw missing('flexibleTimeWindow');
  if (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE') {
    throw new AwsError(400, 'ValidationException', `1 validation error detected: Value '${String(window.Mode)}' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]`);
  }
  checkScheduleExpression(body.ScheduleExpression);
}

/** restJson1 timestamps are epoch seconds. */
const seconds = (ms: number) => ms / 1000;

function scheduleJson(schedule: StoredSchedule): Record<string, unknown> {
  const { ClientToken: _token, Name: _name, ...definition } = schedule.input;
  return {
    ...definition,
    Arn: schedule.arn,
    Name: schedule.name,
    GroupName: schedule.group,
    State: definition.State ?? 'ENABLED',
    CreationDate: seconds(schedule.created),
    LastModificationDate: seconds(schedule.modified),
  };
}

function listSchedules(all: StoredSchedule[], query: URLSearchParams): Record<string, unknown> {
  const group = query.get('ScheduleGroup');
  const prefix = query.get('NamePrefix') ?? '';
  const state = query.get('State');
  const max = Number(query.get('MaxResults') ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw new AwsError(400, 'ValidationException', `1 validation error detected: Value '${query.get('MaxResults')}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`);
  }
  const matching = all
    .filter((s) => (group === null || s.group === group) && s.name.startsWith(prefix) && (state === null || (s.input.State ?? 'ENABLED') === state))
    .sort((a, b) => a.name.localeCompare(b.name));
  const start = Number(query.get('NextToken') ?? 0);
  if (!Number.isInteger(start) || start < 0) throw new AwsError(400, 'ValidationException', 'Invalid NextToken.');
  const end = start + max;
  return {
    Schedules: matching.slice(start, end).map((s) => ({
      Arn: s.arn,
      Name: s.name,
      GroupName: s.group,
      State: s.input.State ?? 'ENABLED',
      CreationDate: seconds(s.created),
      LastModificationDate: seconds(s.modified),
      Target: { Arn: (s.input.Target as { Arn: string }).Arn },
    })),
    NextToken: end < matching.length ? String(end) : undefined,
  };
}
