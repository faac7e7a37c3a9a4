// Function and layer code: a zip sent in the request (base64 in JSON) or read from an S3 location,
// or an image URI, with the sizes Lambda derives from it and the 250 MB quota on code and layers
// together.
import { createHash } from 'node:crypto';
import {
  cannotUnzip,
  combinedTooLarge,
  imageTakesNoRuntime,
  imageUriNotAllowed,
  imageUriRequired,
  MAX_UNZIPPED_BYTES,
  noCodeSource,
  s3GetObjectFailed,
  s3NotSupported,
  unzippedTooLarge,
} from './errors';
import { str } from './http';
import type { AttachedLayer, FunctionCode } from './store';
import type { LambdaS3Source } from './types';
import { unzippedSize } from './zipSize';

export interface ZipContent {
  zip: Buffer;
  codeSize: number;
  /** base64 of the sha256, as Lambda reports CodeSha256. */
  codeSha256: string;
  unzippedBytes: number;
}

/** A zip from a Code / Content object, or from UpdateFunctionCode's top-level fields: the
 * ZipFile, or the S3Bucket/S3Key object read through `s3`, sized and checked the same way. */
export async function zipFrom(source: Record<string, unknown>, s3: LambdaS3Source | undefined): Promise<ZipContent> {
  const fromS3 = source.S3Bucket !== undefined || source.S3Key !== undefined;
  const zip = fromS3 ? await s3Object(source, s3) : Buffer.from(str(source.ZipFile) ?? '', 'base64');
  let unzippedBytes: number;
  try {
    unzippedBytes = await unzippedSize(zip);
  } catch {
    throw cannotUnzip();
  }
  if (unzippedBytes > MAX_UNZIPPED_BYTES) throw unzippedTooLarge();
  return { zip, codeSize: zip.length, codeSha256: createHash('sha256').update(zip).digest('base64'), unzippedBytes };
}

/** The object at an S3 location, copied: Lambda keeps its own copy, so later changes to the
 * object (or its deletion) do not reach the function or layer. */
async function s3Object(source: Record<string, unknown>, s3: LambdaS3Source | undefined): Promise<Buffer> {
  if (!s3) throw s3NotSupported();
  let found: Buffer | undefined;
  try {
    found = await s3.getObject(str(source.S3Bucket) ?? '', str(source.S3Key) ?? '');
  } catch (e) {
    if (e instanceof Error && (e.name === 'NoSuchKey' || e.name === 'NoSuchBucket')) throw s3GetObjectFailed(e.name, e.message);
    throw e;
  }
  if (found === undefined) throw s3GetObjectFailed('NoSuchKey', 'The specified key does not exist.');
  return Buffer.from(found);
}

/** Function code: a zip, or an image (whose size Lambda takes from ECR; 0 here). The image is
 * not looked up: any URI is taken (an EcrDouble's are `<registry>/<repository>:<tag>`). */
export async function codeFrom(source: Record<string, unknown>, packageType: string, s3: LambdaS3Source | undefined): Promise<FunctionCode> {
  const imageUri = str(source.ImageUri);
  if (packageType === 'Image') {
    if (!imageUri) throw noCodeSource();
    return { packageType: 'Image', imageUri, zip: Buffer.alloc(0), codeSize: 0, unzippedBytes: 0, codeSha256: createHash('sha256').update(imageUri).digest('hex') };
  }
  const namesZip = source.ZipFile !== undefined || source.S3Bucket !== undefined || source.S3Key !== undefined;
  if (imageUri !== undefined && !namesZip) throw noCodeSource();
  return { packageType: 'Zip', ...(await zipFrom(source, s3)) };
}

/** What UpdateFunctionCode may carry: an image function takes an ImageUri only, a zip function never one. */
export function checkCodeKind(packageType: 'Zip' | 'Image', body: Record<string, unknown>): void {
  const namesZip = body.ZipFile !== undefined || body.S3Bucket !== undefined || body.S3Key !== undefined;
  if (packageType === 'Image' && (body.ImageUri === undefined || namesZip)) throw imageUriRequired();
  if (packageType === 'Zip' && body.ImageUri !== undefined) throw imageUriNotAllowed();
}

/** Runtime, Handler and Layers belong to zip functions: an image brings its own. */
export function checkImageSettings(body: Record<string, unknown>): void {
  const layers = Array.isArray(body.Layers) && body.Layers.length > 0;
  if (body.Runtime !== undefined || body.Handler !== undefined || layers) throw imageTakesNoRuntime();
}

/** The quota on a zip function's code and all its layers, unzipped, together. */
export function checkCombinedSize(code: FunctionCode, layers: readonly AttachedLayer[]): void {
  if (code.packageType !== 'Zip') return;
  const total = layers.reduce((sum, l) => sum + l.unzippedBytes, code.unzippedBytes);
  if (total > MAX_UNZIPPED_BYTES) throw combinedTooLarge(total);
}
