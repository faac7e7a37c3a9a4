import { z } from 'zod';
import { doc } from '../../core/schemaDoc';

/**
 * `rdeploy.json` → `targets.lambda`. The AWS Lambda target is not available in this version;
 * its settings are validated already so that a project can be prepared for it.
 */
export const LambdaSettingsSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-central-1"')
      .optional()
      .meta(doc('Region', 'AWS region, e.g. `eu-central-1`. Default: the standard AWS configuration (`AWS_REGION`, the profile).')),
    memoryMb: z.number().int().min(128).max(10240).optional().meta(doc('Memory (MB)', 'Memory of the function, 128 to 10,240 MB.')),
  })
  .strict()
  .meta(doc('AWS Lambda', 'Settings of the `lambda` target (coming in a later version).'));
