// The function operations: create, read, update (code or configuration), delete, list.
// A new function is Pending for settleMs, an update InProgress for settleMs, as on the service,
// so callers have to wait for them (the SDK's waiters work against this).
import { randomUUID } from 'node:crypto';
import { FUNCTION_NAME_PATTERN, lambdaTimestamp, parseFunctionId } from './arns';
import { checkCodeKind, checkCombinedSize, checkImageSettings, codeFrom } from './code';
import { functionExists, missingField, preconditionFailed, runtimeAndHandlerRequired, validationError } from './errors';
import { functionConfiguration, getFunctionAnswer } from './functionView';
import { obj, str, strMap, type Answer, type Request } from './http';
import { assertUpdatable, findFunction } from './lookup';
import { DEFAULT_SETTINGS, settingsFrom } from './settings';
import type { FunctionRecord, FunctionVersion, Store } from './store';

export async function createFunction(req: Request): Promise<Answer> {
  const { store, json } = req;
  if (json.FunctionName === undefined) throw missingField('functionName');
  const id = parseFunctionId(str(json.FunctionName) ?? '');
  if (!id) throw validationError(json.FunctionName, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  if (json.Role === undefined) throw missingField('role');
  if (json.Code === undefined) throw missingField('code');
  const packageType = str(json.PackageType) ?? 'Zip';
  if (packageType !== 'Zip' && packageType !== 'Image') throw validationError(json.PackageType, 'packageType', 'Member must satisfy enum value set: [Zip, Image]');
  if (packageType === 'Image') checkImageSettings(json);
  const base = { ...DEFAULT_SETTINGS, architectures: [...DEFAULT_SETTINGS.architectures], role: '', environment: {}, layers: [] };
  const settings = settingsFrom(store, json, base);
  if (packageType === 'Zip' && (!settings.runtime || !settings.handler)) throw runtimeAndHandlerRequired();
  if (store.functions.has(id.name)) throw functionExists(id.name);
  const code = await codeFrom(obj(json.Code) ?? {}, packageType, req.s3);
  checkCombinedSize(code, settings.layers);
  // Another CreateFunction of the same name may have finished while the zip was read.
  if (store.functions.has(id.name)) throw functionExists(id.name);

  const version: FunctionVersion = { ...settings, code };
  const fn: FunctionRecord = {
    name: id.name,
    arn: store.functionArn(id.name),
    latest: version,
    running: version,
    state: 'Pending',
    lastModified: lambdaTimestamp(),
    revisionId: randomUUID(),
    tags: strMap(json.Tags) ?? {},
    policy: new Map(),
  };
  store.functions.set(fn.name, fn);
  store.settleLater(() => {
    fn.state = 'Active';
    fn.lastUpdateStatus = 'Successful';
    fn.revisionId = randomUUID();
  });
  return { status: 201, json: functionConfiguration(fn) };
}

export function getFunction(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  return { status: 200, json: getFunctionAnswer(fn, req.endpoint) };
}

export function getFunctionConfiguration(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  return { status: 200, json: functionConfiguration(fn) };
}

export async function updateFunctionCode(req: Request): Promise<Answer> {
  const { store, json } = req;
  const fn = findFunction(store, req.params.name!);
  assertUpdatable(fn);
  checkRevision(fn, json);
  checkCodeKind(fn.latest.code.packageType, json);
  const code = await codeFrom(json, fn.latest.code.packageType, req.s3);
  const settings = json.Architectures !== undefined ? settingsFrom(store, { Architectures: json.Architectures }, fn.latest) : fn.latest;
  checkCombinedSize(code, settings.layers);
  if (json.DryRun === true) return { status: 200, json: functionConfiguration(fn) };
  // Reading the zip took a while: an update may have started meanwhile.
  assertUpdatable(fn);
  startUpdate(store, fn, { ...settings, code });
  return { status: 200, json: functionConfiguration(fn) };
}

export function updateFunctionConfiguration(req: Request): Answer {
  const { store, json } = req;
  const fn = findFunction(store, req.params.name!);
  assertUpdatable(fn);
  checkRevision(fn, json);
  if (fn.latest.code.packageType === 'Image') checkImageSettings(json);
  const settings = settingsFrom(store, json, fn.latest);
  checkCombinedSize(fn.latest.code, settings.layers);
  startUpdate(store, fn, { ...settings, code: fn.latest.code });
  return { status: 200, json: functionConfiguration(fn) };
}

export function deleteFunction(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  req.store.functions.delete(fn.name);
  return { status: 204 };
}

export function listFunctions(req: Request): Answer {
  const all = [...req.store.functions.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const start = Number(Buffer.from(req.query.get('Marker') ?? '', 'base64').toString() || 0);
  const max = Math.min(Number(req.query.get('MaxItems')) || 50, 10_000);
  const page = all.slice(start, start + max);
  const next = start + page.length;
  return {
    status: 200,
    json: { Functions: page.map(functionConfiguration), ...(next < all.length ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}) },
  };
}

/** The code location GetFunction hands out: a double-only route standing in for S3. */
export function downloadCode(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!);
  return { status: 200, headers: { 'Content-Type': 'application/zip' }, raw: fn.latest.code.zip };
}

function checkRevision(fn: FunctionRecord, json: Record<string, unknown>): void {
  const expected = str(json.RevisionId);
  if (expected !== undefined && expected !== fn.revisionId) throw preconditionFailed();
}

/** The update shows at once in GetFunction; invocations run the previous version until it settles. */
function startUpdate(store: Store, fn: FunctionRecord, next: FunctionVersion): void {
  fn.latest = next;
  fn.lastUpdateStatus = 'InProgress';
  fn.lastModified = lambdaTimestamp();
  fn.revisionId = randomUUID();
  store.settleLater(() => {
    fn.running = fn.latest;
    fn.lastUpdateStatus = 'Successful';
    fn.revisionId = randomUUID();
  });
}
