// Tags on a function, addressed by its ARN (/2017-03-31/tags/{ARN}).
import { strMap, type Answer, type Request } from './http';
import { findFunction } from './lookup';

export function listTags(req: Request): Answer {
  const fn = findFunction(req.store, req.params.arn!);
  return { status: 200, json: { Tags: fn.tags } };
}

export function tagResource(req: Request): Answer {
  const fn = findFunction(req.store, req.params.arn!);
  fn.tags = { ...fn.tags, ...strMap(req.json.Tags) };
  return { status: 204 };
}

export function untagResource(req: Request): Answer {
  const fn = findFunction(req.store, req.params.arn!);
  const drop = new Set(req.query.getAll('tagKeys'));
  fn.tags = Object.fromEntries(Object.entries(fn.tags).filter(([k]) => !drop.has(k)));
  return { status: 204 };
}
