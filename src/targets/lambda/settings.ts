import { z } from 'zod';
import { doc } from '../../core/schemaDoc';
import { DEFAULT_GLIBC_MAX } from './package/glibcGuard';

/** `rdeploy.json` → `targets.lambda`, and `--set KEY=VALUE` with `--target lambda`. */
export const LambdaSettingsSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-central-1"')
      .optional()
      .meta(doc('Region', 'AWS region, e.g. `eu-central-1`. Default: the standard AWS configuration (`AWS_REGION`, the profile).')),
    profile: z
      .string()
      .regex(/^[\w.+@-]{1,64}$/, 'an AWS profile name from ~/.aws/config')
      .optional()
      .meta(doc('Profile', 'AWS profile of `~/.aws/config`. Default: `AWS_PROFILE`, else the default profile.')),
    role: z
      .string()
      .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'an IAM role ARN such as "arn:aws:iam::123456789012:role/my-lambda-role"')
      .optional()
      .meta(doc('Execution role', 'The function\'s IAM role ARN. Default: a role with basic execution logging only, created by the deploy and deleted by destroy.')),
    memoryMb: z.number().int().min(128).max(10240).optional().meta(doc('Memory (MB)', 'Memory of the function, 128 to 10,240 MB. Default: 1024.')),
    timeoutSeconds: z.number().int().min(1).max(900).optional().meta(doc('Timeout (s)', 'How long one invocation may run, 1 to 900 s. Default: 60.')),
    architecture: z
      .enum(['x86_64', 'arm64'])
      .optional()
      .meta(doc('Architecture', 'The function\'s instruction set; the layers are built for it, so the builder image must match. Default: `x86_64`.')),
    url: z
      .enum(['AWS_IAM', 'NONE'])
      .optional()
      .meta(doc('Function URL', 'Give the function an HTTPS URL: `AWS_IAM` (callers sign their requests) or `NONE` (anyone with the URL can call it, and you pay for every call). Default: no URL.')),
    schedule: z
      .string()
      .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, 'an EventBridge Scheduler expression such as "rate(1 day)" or "cron(0 6 * * ? *)"')
      .optional()
      .meta(doc('Schedule', 'Run the function on a schedule (EventBridge Scheduler), e.g. `rate(1 day)` or `cron(0 6 * * ? *)` (UTC), with `scheduleInput` as the payload. Default: no schedule.')),
    scheduleInput: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,80}$/, 'the name of a sample or saved payload of the project, e.g. "fleet"')
      .optional()
      .meta(doc('Scheduled payload', 'The payload each scheduled run gets: the name of a sample (`samples/<name>.json`) or saved payload. Default: `{}`.')),
    packageType: z
      .enum(['zip', 'image'])
      .optional()
      .meta(doc('Package type', '`zip`: R as layers on provided.al2023 (250 MB in all). `image`: a container image in Amazon ECR (10 GB), for libraries too big for layers. Default: `zip`.')),
    glibcMax: z
      .string()
      .regex(/^\d+\.\d+$/, 'a glibc version such as "2.34"')
      .optional()
      .meta(doc('Newest glibc', `No shared object in the package may need a newer glibc. Default: ${DEFAULT_GLIBC_MAX} (Amazon Linux 2023). Raise it only for a local stand-in builder.`)),
  })
  .strict()
  .meta(doc('AWS Lambda', 'Settings of the `lambda` target: an R runtime as layers on `provided.al2023`.'));

export type LambdaSettings = z.infer<typeof LambdaSettingsSchema>;

export const LAMBDA_DEFAULTS = { memoryMb: 1024, timeoutSeconds: 60, architecture: 'x86_64', glibcMax: DEFAULT_GLIBC_MAX, packageType: 'zip' } as const;

export type EffectiveLambdaSettings = Omit<LambdaSettings, keyof typeof LAMBDA_DEFAULTS> & {
  memoryMb: number;
  timeoutSeconds: number;
  architecture: 'x86_64' | 'arm64';
  glibcMax: string;
  packageType: 'zip' | 'image';
};

export function lambdaDefaults(settings: LambdaSettings): EffectiveLambdaSettings {
  return { ...LAMBDA_DEFAULTS, ...settings };
}
