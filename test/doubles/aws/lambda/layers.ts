// Layer versions: publish (numbered from 1 per layer name, never reused), list, get, delete.
import { lambdaTimestamp, layerNameOf } from './arns';
import { zipFrom } from './code';
import { missingField, resourceNotFound, validationError } from './errors';
import { obj, str, strList, type Answer, type Request } from './http';
import type { LayerVersionRecord, Store } from './store';

const LAYER_NAME_PATTERN = '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
const LAYER_NAME = new RegExp(`^(?:${LAYER_NAME_PATTERN})$`);

export async function publishLayerVersion(req: Request): Promise<Answer> {
  const { store, json } = req;
  const given = req.params.layer!;
  if (!LAYER_NAME.test(given) || given.length > 140) {
    throw validationError(given, 'layerName', `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`);
  }
  const content = obj(json.Content);
  if (!content) throw missingField('content');
  const zip = await zipFrom(content, req.s3);
  const layerName = layerNameOf(given);
  const version = store.nextLayerVersion(layerName);
  const layerArn = store.layerArn(layerName);
  const record: LayerVersionRecord = {
    layerName,
    version,
    layerArn,
    arn: `${layerArn}:${version}`,
    description: str(json.Description),
    compatibleRuntimes: strList(json.CompatibleRuntimes),
    compatibleArchitectures: strList(json.CompatibleArchitectures),
    licenseInfo: str(json.LicenseInfo),
    createdDate: lambdaTimestamp(),
    ...zip,
  };
  store.layers.set(layerName, [...(store.layers.get(layerName) ?? []), record]);
  return { status: 201, json: layerVersionView(record, req.endpoint) };
}

export function listLayerVersions(req: Request): Answer {
  const versions = matching(req, req.store.layers.get(layerNameOf(req.params.layer!)) ?? []);
  return { status: 200, json: { LayerVersions: versions.reverse().map(listItem) } };
}

export function getLayerVersion(req: Request): Answer {
  const found = find(req.store, layerNameOf(req.params.layer!), Number(req.params.version));
  return { status: 200, json: layerVersionView(found, req.endpoint) };
}

export function getLayerVersionByArn(req: Request): Answer {
  const found = req.store.findLayerVersion(req.query.get('Arn') ?? '');
  if (!found) throw resourceNotFound();
  return { status: 200, json: layerVersionView(found, req.endpoint) };
}

/** Idempotent, as on the service: deleting a missing version answers 204 too. */
export function deleteLayerVersion(req: Request): Answer {
  const name = layerNameOf(req.params.layer!);
  const versions = req.store.layers.get(name) ?? [];
  const left = versions.filter((v) => v.version !== Number(req.params.version));
  if (left.length > 0) req.store.layers.set(name, left);
  else req.store.layers.delete(name);
  return { status: 204 };
}

export function listLayers(req: Request): Answer {
  const layers = [...req.store.layers.values()].flatMap((versions) => {
    const latest = matching(req, versions).at(-1);
    return latest ? [{ LayerName: latest.layerName, LayerArn: latest.layerArn, LatestMatchingVersion: listItem(latest) }] : [];
  });
  return { status: 200, json: { Layers: layers } };
}

/** The layer zip behind Content.Location: a double-only route standing in for S3. */
export function downloadLayer(req: Request): Answer {
  const found = find(req.store, req.params.layer!, Number(req.params.version));
  return { status: 200, headers: { 'Content-Type': 'application/zip' }, raw: found.zip };
}

function find(store: Store, name: string, version: number): LayerVersionRecord {
  const found = store.layers.get(name)?.find((v) => v.version === version);
  if (!found) throw resourceNotFound();
  return found;
}

/** The ?CompatibleRuntime= and ?CompatibleArchitecture= filters of the list operations. */
function matching(req: Request, versions: LayerVersionRecord[]): LayerVersionRecord[] {
  const runtime = req.query.get('CompatibleRuntime');
  const arch = req.query.get('CompatibleArchitecture');
  return versions.filter(
    (v) => (!runtime || (v.compatibleRuntimes ?? []).includes(runtime)) && (!arch || (v.compatibleArchitectures ?? []).includes(arch)),
  );
}

function listItem(v: LayerVersionRecord): Record<string, unknown> {
  return {
    LayerVersionArn: v.arn,
    Version: v.version,
    Description: v.description,
    CreatedDate: v.createdDate,
    CompatibleRuntimes: v.compatibleRuntimes,
    CompatibleArchitectures: v.compatibleArchitectures,
    LicenseInfo: v.licenseInfo,
  };
}

function layerVersionView(v: LayerVersionRecord, endpoint: string): Record<string, unknown> {
  const { LayerVersionArn, ...rest } = listItem(v);
  return {
    Content: { Location: `${endpoint}/__double__/layers/${v.layerName}/versions/${v.version}`, CodeSha256: v.codeSha256, CodeSize: v.codeSize },
    LayerArn: v.layerArn,
    LayerVersionArn,
    ...rest,
  };
}
