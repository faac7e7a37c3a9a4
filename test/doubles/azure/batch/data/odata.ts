import { invalidQueryParameter } from './errors';

/**
 * The OData list options the double understands: `$filter` made of `property eq 'value'` (or
 * `ne`, or a number or true/false) comparisons joined by `and` — the kind Microsoft's "OData
 * filters in Batch" examples use (`state eq 'active'`, `executionInfo/result eq 'failure'`) — on
 * the entity as the API shows it; `$select` of top-level properties; `maxresults` (1-1000) with
 * `odata.nextLink` for the rest. A filter it cannot read is refused, not ignored.
 */
interface Clause {
  path: string[];
  op: 'eq' | 'ne';
  value: string | number | boolean;
}

export function parseFilter(text: string | null): Clause[] {
  if (!text) return [];
  return text.split(/\s+and\s+/i).map((part) => {
    const m = /^\s*\(?\s*([A-Za-z][\w/]*)\s+(eq|ne)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false)\s*\)?\s*$/i.exec(part);
    if (!m) throw invalidQueryParameter('$filter', text, 'The test double understands filters of the form property eq|ne value joined by and.');
    const raw = m[3]!;
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
    return { path: m[1]!.split('/'), op: m[2]!.toLowerCase() as 'eq' | 'ne', value };
  });
}

export function matches(entity: Record<string, unknown>, clauses: Clause[]): boolean {
  return clauses.every((c) => {
    let v: unknown = entity;
    for (const key of c.path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    const equal = typeof v === 'string' && typeof c.value === 'string' ? v.toLowerCase() === c.value.toLowerCase() : v === c.value;
    return c.op === 'eq' ? equal : !equal;
  });
}

export function select(entity: Record<string, unknown>, text: string | null): Record<string, unknown> {
  if (!text) return entity;
  const keys = new Set(text.split(',').map((k) => k.trim()).filter(Boolean));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => keys.has(k)));
}

/** One page of a list and the link to the next (the skip travels in the link, as an opaque token). */
export function page(items: Record<string, unknown>[], query: URLSearchParams, baseUrl: string, path: string): Record<string, unknown> {
  const maxText = query.get('maxresults');
  const max = maxText === null ? 1000 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidQueryParameter('maxresults', maxText ?? '', 'The value must be between 1 and 1000.');
  const skip = Number(query.get('$skiptoken') ?? 0) || 0;
  const value = items.slice(skip, skip + max);
  const next = new URLSearchParams(query);
  next.set('$skiptoken', String(skip + max));
  return { value, ...(skip + max < items.length ? { 'odata.nextLink': `${baseUrl}${path}?${next.toString()}` } : {}) };
}

export function list(items: Record<string, unknown>[], query: URLSearchParams, baseUrl: string, path: string): Record<string, unknown> {
  const clauses = parseFilter(query.get('$filter'));
  const selected = items.filter((i) => matches(i, clauses)).map((i) => select(i, query.get('$select')));
  return { 'odata.metadata': `${baseUrl}/$metadata#${path.split('/').filter(Boolean).pop() ?? ''}`, ...page(selected, query, baseUrl, path) };
}
