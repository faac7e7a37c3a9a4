import { randomBytes } from 'node:crypto';
import { invalidProperty, missingProperty } from '../data/errors';

/**
 * Small pieces every Batch entity shares: ids (letters, digits, hyphens and underscores, at most
 * 64, unique ignoring case), ETags (`0x8D…`), times as the service writes them (ISO 8601 with
 * seven fractional digits), durations (ISO 8601 durations), and typed reads of request bodies.
 */
export const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What BatchTask.constraints shows for "no limit": TimeSpan.MaxValue. */
export const MAX_DURATION = 'P10675199DT2H48M5.4775807S';

export function checkId(id: unknown, property = 'id'): string {
  if (id === undefined || id === null) throw missingProperty(property);
  if (typeof id !== 'string' || !ID.test(id)) throw invalidProperty(property, id, 'The id can contain any combination of alphanumeric characters including hyphens and underscores, and cannot contain more than 64 characters.');
  return id;
}

export function newETag(): string {
  return `0x8D${randomBytes(6).toString('hex').toUpperCase()}`;
}

export function iso(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/Z$/, '0000Z');
}

export function rfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}

/** Milliseconds of an ISO 8601 duration (PnDTnHnMn.nS, as the service and its clients write them), or undefined. */
export function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads of a request body that answer the service's errors for a wrong type. */
export class Fields {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  private name(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** Where these fields sit in the request body ('virtualMachineConfiguration'…), for error values. */
  get path(): string {
    return this.prefix;
  }

  has(key: string): boolean {
    return this.body[key] !== undefined && this.body[key] !== null;
  }

  raw(key: string): unknown {
    return this.body[key];
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | undefined;
  string(key: string, required = false): string | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) {
      if (required) throw missingProperty(this.name(key));
      return undefined;
    }
    if (typeof v !== 'string') throw invalidProperty(this.name(key), v, 'The value must be a string.');
    return v;
  }

  int(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidProperty(this.name(key), v, 'The value must be an integer.');
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      throw invalidProperty(this.name(key), v, `The value must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}.`);
    }
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalidProperty(this.name(key), v, 'The value must be a boolean.');
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!found) throw invalidProperty(this.name(key), v, `The value must be one of ${allowed.join(', ')}.`);
    return found;
  }

  duration(key: string, opts: { minMs?: number; maxMs?: number } = {}): string | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const ms = durationMs(v);
    if (ms === undefined) throw invalidProperty(this.name(key), v, 'The value must be an ISO 8601 duration.');
    if ((opts.minMs !== undefined && ms < opts.minMs) || (opts.maxMs !== undefined && ms > opts.maxMs)) throw invalidProperty(this.name(key), v, 'The value is out of range.');
    return v;
  }

  object(key: string): Fields | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw invalidProperty(this.name(key), v, 'The value must be an object.');
    return new Fields(v, this.name(key));
  }

  array(key: string): unknown[] | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw invalidProperty(this.name(key), v, 'The value must be an array.');
    return v;
  }

  /** name/value pairs (MetadataItem, EnvironmentSetting). */
  pairs(key: string, valueRequired: boolean): Array<{ name: string; value?: string }> | undefined {
    const list = this.array(key);
    if (!list) return undefined;
    return list.map((item, i) => {
      if (!isObject(item) || typeof item.name !== 'string' || item.name === '') throw missingProperty(`${this.name(key)}[${i}].name`);
      if (item.value !== undefined && typeof item.value !== 'string') throw invalidProperty(`${this.name(key)}[${i}].value`, item.value, 'The value must be a string.');
      if (valueRequired && typeof item.value !== 'string') throw missingProperty(`${this.name(key)}[${i}].value`);
      return { name: item.name, ...(typeof item.value === 'string' ? { value: item.value } : {}) };
    });
  }

  get json(): Record<string, unknown> {
    return this.body;
  }
}
