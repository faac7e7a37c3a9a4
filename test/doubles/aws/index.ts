/**
 * Test doubles of the AWS services R Deploy talks to, each an HTTP server on 127.0.0.1 that the
 * real SDK v3 clients drive through `endpoint` (or AWS_ENDPOINT_URL_<SERVICE>). They follow the
 * services' wire formats and error texts, record what they were sent (`calls()`), and can be
 * told to fail (`injectFault`, see faults.ts). S3 is no double but a real S3-compatible server
 * (s3.ts, s3rver), for code and layers that go through a bucket, and ECR is a double in front of a
 * real registry (ecr.ts: the images themselves are pushed to and read from docker-registry).
 */
export { EcrDouble, type EcrDoubleOptions, type EcrRepositoryView } from './ecr';
export { AwsError, type Fault } from './faults';
export { AwsDouble, type RecordedCall } from './http';
export { IamDouble, type IamRoleView } from './iam';
export { LogsDouble, type LogsDoubleOptions } from './logs';
export { S3ObjectError, S3Server, type S3ServerOptions, type StoredObject } from './s3';
export { SchedulerDouble, type ScheduleView, type SchedulerDoubleOptions } from './scheduler';
export { StsDouble, type StsDoubleOptions } from './sts';
