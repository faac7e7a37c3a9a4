// Lambda's error answers, as the service sends them: a status, `x-amzn-ErrorType: <Type>` (the
// SDK's restJson1 deserializer reads the code from that header first, then from the body's
// `code` and `__type`) and a JSON body. The body's message key follows the service model in
// @aws-sdk/client-lambda: ResourceNotFoundException and ServiceException carry `Message`, the
// other modelled exceptions `message`; ValidationException, which is not modelled, comes from
// the front end as `{"message": …}` without a Type.
//
// Texts are the service's own, as users have quoted them in public issues (sources beside each).
// Where none could be found the text is marked "(unverified)".

export const MAX_UNZIPPED_BYTES = 262_144_000;
export const MAX_DIRECT_REQUEST_BYTES = 69_905_067;
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;

export class LambdaError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extraHeaders: Record<string, string> = {},
    readonly extraBody: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The JSON body Lambda sends with this error. */
  body(): Record<string, unknown> {
    if (this.type === 'ValidationException') return { message: this.message };
    const key = CAPITAL_MESSAGE.has(this.type) ? 'Message' : 'message';
    return { Type: this.status >= 500 ? 'Service' : 'User', [key]: this.message, ...this.extraBody };
  }
}

const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException']);

const invalid = (message: string) => new LambdaError(400, 'InvalidParameterValueException', message);
const conflict = (message: string) => new LambdaError(409, 'ResourceConflictException', message);
const notFound = (message: string) => new LambdaError(404, 'ResourceNotFoundException', message);

/** Coral's model-constraint text, e.g. "1 validation error detected: Value 'lambdarole' at 'role'
 * failed to satisfy constraint: Member must satisfy regular expression pattern: …"
 * (aarondfrancis/sidecar#147; covidatlas/li#575 for 'timeout'). */
export function validationError(value: unknown, field: string, constraint: string): LambdaError {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return new LambdaError(400, 'ValidationException', `1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

/** A required member left out: Coral's "Value null at '…'" (no quotes around null). */
export const missingField = (field: string) =>
  new LambdaError(400, 'ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);

/** "Function not found: arn:aws:lambda:us-east-1:…:function:NAME" (awslabs/mxnet-lambda#1,
 * aarondfrancis/sidecar#23, which also shows the body {"Message":…,"Type":"User"}). */
export const functionNotFound = (arn: string) => notFound(`Function not found: ${arn}`);

/** GetLayerVersion, function URLs and other sub-resources that are missing (unverified wording
 * for each operation; it is Lambda's generic text). */
export const resourceNotFound = () => notFound('The resource you requested does not exist.');

/** "Function already exist: NAME" (hashicorp/terraform#15929, awslabs/dynamodb-continuous-backup#21). */
export const functionExists = (name: string) => conflict(`Function already exist: ${name}`);

/** (nelhage/llama#64, cloud-custodian/cloud-custodian#7010) */
export const updateInProgress = (arn: string) =>
  conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`);

/** (remotion-dev/remotion#1186, faastjs/faast.js#758) */
export const notActive = (state: string) =>
  conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${state}`);

/** (LocalStack and the Serverless Framework reproduce it; see src/targets/lambda/package/quotas.ts) */
export const tooManyLayers = () => invalid('Cannot reference more than 5 layers.');

/** (intuit/costBuddy#19, san-kumar/lambdaphp#14: {"Type":"User","message":"Layer version … does not exist."}) */
export const layerVersionNotFound = (arn: string) => invalid(`Layer version ${arn} does not exist.`);

/** (brefphp/bref#450, lambci/git-lambda-layer#27) */
export const combinedTooLarge = (actual: number) =>
  invalid(`Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${actual} bytes.`);

/** One zip alone over the quota (serverless/serverless#6792, adnanrahic/serverless-side-rendering-vue-nuxt#6). */
export const unzippedTooLarge = () => invalid(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);

/** (unverified) */
export const cannotUnzip = () => invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');

/** A limit of the front end, not a modelled exception: the SDK raises it by name only.
 * "Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation"
 * (quotas.ts), "… 6291456 bytes for the InvokeFunction operation" (pelmers/streetwarp-web#14). */
export const requestTooLarge = (limit: number, operation: string) =>
  new LambdaError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);

/** "473086 byte payload is too large for the Event invocation type (limit 131072 bytes)"
 * (faultline/faultline#12; the limit is 1 MB today, per the Invoke API reference). */
export const eventPayloadTooLarge = (bytes: number) =>
  new LambdaError(413, 'RequestEntityTooLargeException', `${bytes} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`);

/** (artilleryio/chaos-lambda#13, aws-samples/amazon-serverless-datalake-workshop#4) */
export const runtimeNotSupported = (runtime: string, successor: string) =>
  invalid(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${successor}) while creating or updating functions.`);

/** (unverified: the service's words for a zip function without them) */
export const runtimeAndHandlerRequired = () => invalid('Runtime and Handler are mandatory parameters for functions created with deployment packages.');

/** "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to
 * 3008" (awslabs/genai-bedrock-agent-chatbot#4, with an account quota of 3008; 10240 here). */
export const memoryTooLarge = (max: number) => invalid(`'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to ${max}`);

/** The environment's 4 KB quota (unverified) … */
export const environmentTooLarge = (measured: string) =>
  invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
/** … and its reserved keys (mattermost/mattermost-cloud-monitoring#264, aws/aws-cdk#28048). */
export const reservedEnvironmentKeys = (keys: string[]) =>
  invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${keys.join(', ')}`);

/** CreateFunction of an image function with any of them (pulumi/pulumi-aws#5439); the double says
 * the same for UpdateFunctionConfiguration of one (unverified there). */
export const imageTakesNoRuntime = () => invalid("Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.");
/** UpdateFunctionCode of an image function with a zip (appleboy/lambda-action#28) … */
export const imageUriRequired = () => invalid('Please provide ImageUri when updating a function with packageType Image.');
/** … and of a zip function with an image (nationalarchives/ds-caselaw-data-enrichment-service#337,
 * aws/aws-tools-for-powershell#225): a function's package type never changes. */
export const imageUriNotAllowed = () => invalid("Please don't provide ImageUri when updating a function with packageType Zip.");
/** Code that names no zip: an ImageUri for a Zip function (boto/boto3#2705), or an image function
 * without ImageUri (unverified there). */
export const noCodeSource = () => invalid('Please provide a source for function code.');

/** A double's limit, said as such: without its `s3` option it has nowhere to read S3 code from. */
export const s3NotSupported = () => invalid('S3 is not supported by this double');

/** Lambda could not read the code's S3 object; S3's code and message are quoted. NoSuchKey:
 * "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key
 * does not exist." (aws-solutions/aws-waf-security-automations#135, a CloudTrail record in
 * aws-samples/aws-service-catalog-reference-architectures#108); NoSuchBucket: "… S3 Error Code:
 * NoSuchBucket. S3 Error Message: The specified bucket does not exist" (amazon-archives/aws-waf-sample#25). */
export const s3GetObjectFailed = (code: string, message: string) =>
  invalid(`Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`);

/** (unverified) */
export const preconditionFailed = () =>
  new LambdaError(412, 'PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');

/** (cargo-lambda/cargo-lambda#261) */
export const statementExists = (sid: string) =>
  conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
/** The next three: (unverified) */
export const statementNotFound = (sid: string) => notFound(`Statement ${sid} is not found in resource policy.`);
export const noPolicy = () => notFound('No policy is associated with the given resource.');
export const urlConfigExists = (arn: string) =>
  conflict(`Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);

/** (unverified) */
export const badJson = (detail: string) => new LambdaError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${detail}`);

/** Lambda's 429: Retry-After in seconds, Reason and message as the service sends them. */
export const throttled = (retryAfterSeconds: number) =>
  new LambdaError(429, 'TooManyRequestsException', 'Rate Exceeded.', { 'Retry-After': String(retryAfterSeconds) }, { Reason: 'CallerRateLimitExceeded' });

export const unknownOperation = () => new LambdaError(404, 'UnknownOperationException', 'Unknown operation');
