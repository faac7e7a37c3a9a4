// The public shapes of the Lambda double: what a test gives it (options, faults, an invoke
// handler) and what it can read back (recorded calls, functions, layer versions).

export type InvocationType = 'RequestResponse' | 'Event';

/** The function as an invocation sees it: the configuration and code of $LATEST at the time. */
export interface InvokedFunction {
  name: string;
  arn: string;
  handler: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** 'Image': the function is a container image (imageUri), with no runtime, handler ('') or layers. */
  packageType: 'Zip' | 'Image';
  /** The image an image function runs, as given in Code.ImageUri / UpdateFunctionCode's ImageUri
   * (with an EcrDouble, `<registry>/<repository>:<tag>` of a real local registry: pull and run it). */
  imageUri?: string;
  /** function.zip bytes (empty for an image function). */
  code: Buffer;
  /** Layer zips, in the order the function lists them (none for an image function). */
  layers: Buffer[];
  environment: Record<string, string>;
}

export interface InvokeOutcome {
  payload: Buffer;
  functionError?: 'Handled' | 'Unhandled';
  /** What the function printed; the double adds Lambda's START/END/REPORT lines around them. */
  logLines: string[];
}

export interface LambdaInvokeHandler {
  (fn: InvokedFunction, payload: Buffer, invocationType: InvocationType): Promise<InvokeOutcome>;
}

/** Where the double reads code given as an S3 location (Code.S3Bucket/S3Key, Content.S3Bucket/S3Key). */
export interface LambdaS3Source {
  /** The object's bytes, or undefined when there is no such object (Lambda's NoSuchKey error).
   * A rejection whose name is NoSuchKey or NoSuchBucket (S3Server's, or @aws-sdk/client-s3's)
   * becomes Lambda's error for that S3 code; any other rejection a 500 ServiceException. */
  getObject(bucket: string, key: string): Promise<Buffer | undefined>;
}

export interface LambdaDoubleOptions {
  /** default '123456789012' */
  accountId?: string;
  /** default 'us-east-1' */
  region?: string;
  /** default: echo the payload, print nothing (so the log is START, END, REPORT) */
  onInvoke?: LambdaInvokeHandler;
  /** ms a function stays Pending after CreateFunction, and an update InProgress (default 50) */
  settleMs?: number;
  /** Receives every log line an invocation printed, for a CloudWatch Logs double: (logGroupName, lines) */
  onLog?: (logGroup: string, lines: string[]) => void;
  /** Code and layers given as an S3 location are read here (an S3Server fits as it is), once, when
   * the request arrives: as on Lambda, deleting the object afterwards changes nothing. Without
   * it S3 locations are refused. S3ObjectVersion is ignored. */
  s3?: LambdaS3Source;
}

export interface RecordedCall {
  /** The SDK's operation name (CreateFunction, Invoke, …), or 'Unknown' for a route Lambda lacks. */
  operation: string;
  method: string;
  /** The path as sent (percent-encoded), without the query string. */
  path: string;
  /** Query parameters; a repeated key (UntagResource's tagKeys) has its values joined with ','. */
  query: Record<string, string>;
  /** Parsed JSON, with every ZipFile replaced by {zipBytes:n} (S3 locations stay as sent). An Invoke payload that is not
   * JSON is recorded as {payloadBytes:n}, another body that is not JSON as {unparsedBytes:n}, a
   * body over the request limit as {requestBytes:n}, an empty body as undefined. */
  body: unknown;
  at: number;
}

export type LambdaFault = { operation: string; times?: number } & (
  /** 429 TooManyRequestsException with Retry-After (default 1 second) */
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'error'; status: number; type: string; message: string }
);

export interface FunctionSummary {
  name: string;
  arn: string;
  state: string;
  /** '' until the function has finished being created (Lambda sends no LastUpdateStatus then). */
  lastUpdateStatus: string;
  tags: Record<string, string>;
  /** Layer version ARNs, in order. */
  layers: string[];
  urlConfig?: { authType: string };
}

export interface LayerVersionSummary {
  layerName: string;
  version: number;
  arn: string;
  description?: string;
}
