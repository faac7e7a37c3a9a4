// A test double of AWS Lambda for @aws-sdk/client-lambda (see LambdaDouble.ts):
//
//   const lambda = await LambdaDouble.start({ onInvoke: async (fn, payload) => ({ payload, logLines: [] }) });
//   const client = new LambdaClient({ region: 'us-east-1', endpoint: lambda.endpoint,
//     credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
//   …
//   expect(lambda.calls('CreateFunction')).toHaveLength(1);
//   await lambda.close();
export { LambdaDouble } from './LambdaDouble';
export type {
  FunctionSummary,
  InvocationType,
  InvokedFunction,
  InvokeOutcome,
  LambdaDoubleOptions,
  LambdaFault,
  LambdaInvokeHandler,
  LambdaS3Source,
  LayerVersionSummary,
  RecordedCall,
} from './types';
export { MAX_ASYNC_PAYLOAD_BYTES, MAX_DIRECT_REQUEST_BYTES, MAX_SYNC_PAYLOAD_BYTES, MAX_UNZIPPED_BYTES } from './errors';
export { zerosZip, zipOf } from './zips';
