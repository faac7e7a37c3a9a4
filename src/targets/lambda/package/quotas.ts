// Lambda's hard quotas, checked on the package's sizes before anything is uploaded: data in,
// findings out, so the plan can show them and the deploy can refuse early with the words the
// service itself would have used a few minutes (and some megabytes of upload) later.
//
// Limits: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html ("The Lambda
// documentation, log messages, and console use the abbreviation MB (rather than MiB) to refer to
// 1,024 KB", so every MB below is 1,048,576 bytes). Payloads: the Invoke API reference,
// https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html ("For synchronous invocations, the
// maximum payload size is 6 MB. For asynchronous invocations, the maximum payload size is 1 MB.";
// older copies of the quotas page say 256 KB for asynchronous, which Lambda has since raised).

import { AppError } from '../../../core/errors';

const MB = 1024 * 1024;

export const LAMBDA_QUOTAS = {
  maxLayers: 5,
  /** Function code and all its layers, unzipped, together: 250 MB. */
  maxUnzippedBytes: 250 * MB,
  /** A .zip sent in the request itself (ZipFile / Content.ZipFile); larger ones go through S3. */
  maxDirectZippedBytes: 50 * MB,
  /** The service enforces the direct-upload quota on the request, whose zip is base64 text:
   * "Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation", and
   * 69,905,067 = ⌈50 MB × 4/3⌉. */
  maxDirectRequestBytes: 69_905_067,
  maxImageBytes: 10 * 1024 * MB,
  minMemoryMb: 128,
  maxMemoryMb: 10_240,
  maxTimeoutSeconds: 900,
  maxSyncPayloadBytes: 6 * MB,
  maxAsyncPayloadBytes: 1 * MB,
} as const;

/** Room left in a direct-upload request for everything but the zip: the function's
 * configuration (environment up to 4 KB, description, tags, layer ARNs) and the JSON around it. */
export const DIRECT_REQUEST_RESERVE_BYTES = 64 * 1024;

export type UploadMethod = 'direct' | 's3';
export type InvocationType = 'RequestResponse' | 'Event';

export interface ArtefactSizes {
  zippedBytes: number;
  unzippedBytes: number;
}

export interface ZipQuotaInput {
  function: ArtefactSizes;
  layers: ReadonlyArray<ArtefactSizes & { name: string }>;
  memoryMb: number;
  timeoutSeconds: number;
}

export type QuotaCode =
  | 'too-many-layers'
  | 'unzipped-too-large'
  | 'image-too-large'
  | 'memory-out-of-range'
  | 'timeout-out-of-range'
  | 'payload-too-large';

export interface QuotaProblem {
  code: QuotaCode;
  message: string;
}

export interface ArtefactUpload {
  /** "function", or the layer's name. */
  name: string;
  kind: 'function' | 'layer';
  zippedBytes: number;
  upload: UploadMethod;
}

export interface QuotaReport {
  ok: boolean;
  uploads: ArtefactUpload[];
  problems: QuotaProblem[];
}

const IMAGE_MODE = 'R Deploy can deploy it as a container image instead: --set packageType=image.';

/** Base64 text of n bytes, as the SDK puts a blob into a JSON request body. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/**
 * How an artefact of this size reaches Lambda: in the request while the encoded request stays
 * under the service's limit, otherwise from an S3 object. Going through S3 is a plan change, not
 * a problem: it works for any size the other quotas allow.
 */
export function uploadMethod(zippedBytes: number): UploadMethod {
  const request = base64Length(zippedBytes) + DIRECT_REQUEST_RESERVE_BYTES;
  // "must be smaller than": the limit itself is already refused.
  return request < LAMBDA_QUOTAS.maxDirectRequestBytes ? 'direct' : 's3';
}

/** The quotas of a .zip deployment (function.zip plus layers), before anything is uploaded. */
export function checkZipQuotas(input: ZipQuotaInput): QuotaReport {
  const artefacts = [
    { name: 'function', kind: 'function' as const, ...input.function },
    ...input.layers.map((layer) => ({ ...layer, kind: 'layer' as const })),
  ];
  for (const a of artefacts) assertSize(a.name, a.zippedBytes, a.unzippedBytes);

  const problems: QuotaProblem[] = [];
  const q = LAMBDA_QUOTAS;
  if (input.layers.length > q.maxLayers) {
    // The service's text (InvalidParameterValueException on CreateFunction and
    // UpdateFunctionConfiguration) as LocalStack reproduces it from AWS and as the Serverless
    // Framework matches it; the quota is the "Function layers: 5 layers" row of the quotas page.
    problems.push({
      code: 'too-many-layers',
      message: `Cannot reference more than ${q.maxLayers} layers. This package has ${input.layers.length}, so merge package layers until there are ${q.maxLayers} at most; ${IMAGE_MODE}`,
    });
  }
  const unzipped = artefacts.reduce((sum, a) => sum + a.unzippedBytes, 0);
  if (unzipped > q.maxUnzippedBytes) {
    // The service's text, verbatim (InvalidParameterValueException), as users report it in e.g.
    // https://github.com/brefphp/bref/issues/450 and https://github.com/lambci/git-lambda-layer/issues/27.
    problems.push({
      code: 'unzipped-too-large',
      message: `Function code combined with layers exceeds the maximum allowed size of ${q.maxUnzippedBytes} bytes. The actual size is ${unzipped} bytes. Drop packages the handler does not need or strip the libraries (docs, help, tests, debug symbols); ${IMAGE_MODE}`,
    });
  }
  problems.push(...checkSettings(input.memoryMb, input.timeoutSeconds));

  const uploads = artefacts.map((a) => ({
    name: a.name,
    kind: a.kind,
    zippedBytes: a.zippedBytes,
    upload: uploadMethod(a.zippedBytes),
  }));
  return { ok: problems.length === 0, uploads, problems };
}

/** The quotas of image mode: the image's size (ECR reports it) and the same settings. */
export function checkImageQuotas(input: { imageBytes: number; memoryMb: number; timeoutSeconds: number }): QuotaReport {
  assertSize('image', input.imageBytes, input.imageBytes);
  const problems: QuotaProblem[] = [];
  if (input.imageBytes > LAMBDA_QUOTAS.maxImageBytes) {
    problems.push({
      code: 'image-too-large',
      message: `The image is ${input.imageBytes} bytes, more than Lambda's container image code package size of 10 GB (${LAMBDA_QUOTAS.maxImageBytes} bytes); drop packages the handler does not need or use a smaller base image.`,
    });
  }
  problems.push(...checkSettings(input.memoryMb, input.timeoutSeconds));
  return { ok: problems.length === 0, uploads: [], problems };
}

/**
 * An invoke payload against its invocation type's limit, before it is sent. The texts are the
 * service's RequestEntityTooLargeException ("Request must be smaller than 6291456 bytes for the
 * InvokeFunction operation"), with the asynchronous limit in the same words.
 */
export function checkPayload(bytes: number, invocationType: InvocationType): QuotaProblem | undefined {
  assertSize('payload', bytes, bytes);
  const limit = invocationType === 'Event' ? LAMBDA_QUOTAS.maxAsyncPayloadBytes : LAMBDA_QUOTAS.maxSyncPayloadBytes;
  if (bytes <= limit) return undefined;
  const advice =
    invocationType === 'Event'
      ? 'invoke it synchronously (up to 6 MB) or put the data in S3 and send its key'
      : 'put the data in S3 and send its key instead';
  return {
    code: 'payload-too-large',
    message: `Request must be smaller than ${limit} bytes for the InvokeFunction operation; this payload is ${bytes} bytes, so ${advice}.`,
  };
}

function checkSettings(memoryMb: number, timeoutSeconds: number): QuotaProblem[] {
  const q = LAMBDA_QUOTAS;
  const problems: QuotaProblem[] = [];
  if (!(Number.isInteger(memoryMb) && memoryMb >= q.minMemoryMb && memoryMb <= q.maxMemoryMb)) {
    problems.push({
      code: 'memory-out-of-range',
      message: `Lambda memory must be a whole number from ${q.minMemoryMb} to ${q.maxMemoryMb} MB (got ${memoryMb}); set it with --set memoryMb=<MB>.`,
    });
  }
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= q.maxTimeoutSeconds)) {
    problems.push({
      code: 'timeout-out-of-range',
      message: `A Lambda timeout must be 1 to ${q.maxTimeoutSeconds} seconds (15 minutes), not ${timeoutSeconds}; set --set timeout=<seconds> within that range, or run longer jobs on a batch target.`,
    });
  }
  return problems;
}

// Sizes come from our own manifest, so a bad one is a bug, not a user error: fail loudly rather
// than let NaN slip through every comparison as "fits".
function assertSize(name: string, zipped: number, unzipped: number): void {
  for (const n of [zipped, unzipped]) {
    if (!(Number.isSafeInteger(n) && n >= 0)) {
      throw new AppError('internal', `The size of ${name} must be a whole number of bytes, 0 or more (got ${n}).`);
    }
  }
}
