import { z } from 'zod';
import type { BuildInputs } from '../image/buildInputs';
import type { EffectiveLambdaSettings } from './settings';

/** What a Lambda plan holds besides the common parts. */
export interface LambdaPlanDetails {
  settings: EffectiveLambdaSettings;
  functionName: string;
  /** The role the deploy creates, or undefined when the user gives one (settings.role). */
  roleName?: string;
  layerPrefix: string;
  /** Where the deploy writes the package (`rdeploy package` writes the same folder by default). */
  packageDir: string;
  /** The image the package is built in; undefined: the default Amazon Linux 2023 builder. Image mode: the image's base. */
  builderImage?: string;
  /** Image mode: the ECR repository and the project's Lambda image build. */
  image?: { repository: string; build: BuildInputs; tag: string };
  /** The package as it is now on disk, when there is one (the deploy rebuilds it if anything changed). */
  packaged?: { layers: Array<{ file: string; zippedBytes: number; unzippedBytes: number }>; functionZip: { zippedBytes: number; unzippedBytes: number } };
}

export const LambdaRecordDetailsSchema = z.object({
  region: z.string().optional(),
  profile: z.string().optional(),
  functionName: z.string().optional(),
  functionArn: z.string().optional(),
  roleArn: z.string().optional(),
  layers: z.array(z.object({ arn: z.string(), sha256: z.string(), file: z.string() })).optional(),
  memoryMb: z.number().int().optional(),
  timeoutSeconds: z.number().int().optional(),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
  builderImage: z.string().optional(),
  packageDir: z.string().optional(),
  url: z.string().optional(),
  schedule: z.string().optional(),
  packageType: z.enum(['zip', 'image']).optional(),
  imageUri: z.string().optional(),
  repositoryUri: z.string().optional(),
  schedulerRoleArn: z.string().optional(),
  urlAuthType: z.enum(['AWS_IAM', 'NONE']).optional(),
});
export type LambdaRecordDetails = z.infer<typeof LambdaRecordDetailsSchema>;

export function lambdaRecordDetails(details: Record<string, unknown>): LambdaRecordDetails {
  return LambdaRecordDetailsSchema.parse(details);
}
