// A function as the API shows it: FunctionConfiguration (CreateFunction, GetFunctionConfiguration,
// the updates, ListFunctions) and GetFunction's answer around it.
import type { FunctionRecord } from './store';

export function functionConfiguration(fn: FunctionRecord): Record<string, unknown> {
  const v = fn.latest;
  const zip = v.code.packageType === 'Zip';
  const config: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Role: v.role,
    CodeSize: v.code.codeSize,
    Description: v.description,
    Timeout: v.timeoutSeconds,
    MemorySize: v.memoryMb,
    LastModified: fn.lastModified,
    CodeSha256: v.code.codeSha256,
    Version: '$LATEST',
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    State: fn.state,
    PackageType: v.code.packageType,
    Architectures: v.architectures,
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
  if (zip) {
    config.Runtime = v.runtime;
    config.Handler = v.handler;
  }
  if (Object.keys(v.environment).length > 0) config.Environment = { Variables: v.environment };
  if (v.layers.length > 0) config.Layers = v.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize }));
  if (fn.state === 'Pending') {
    config.StateReason = 'The function is being created.';
    config.StateReasonCode = 'Creating';
  }
  if (fn.lastUpdateStatus) config.LastUpdateStatus = fn.lastUpdateStatus;
  // The reason the functions-states guide shows for an update in progress, odd as it reads.
  if (fn.lastUpdateStatus === 'InProgress') {
    config.LastUpdateStatusReason = 'The function is being created.';
    config.LastUpdateStatusReasonCode = 'Creating';
  }
  return config;
}

/** GetFunction: the configuration, where to download the code, and the tags. The code location
 * is a URL of the double itself, so a client that downloads it gets the bytes that were sent. */
export function getFunctionAnswer(fn: FunctionRecord, endpoint: string): Record<string, unknown> {
  const code = fn.latest.code;
  return {
    Configuration: functionConfiguration(fn),
    Code:
      code.packageType === 'Image'
        ? { RepositoryType: 'ECR', ImageUri: code.imageUri, ResolvedImageUri: code.imageUri }
        : { RepositoryType: 'S3', Location: `${endpoint}/__double__/code/${encodeURIComponent(fn.name)}` },
    Tags: fn.tags,
  };
}
