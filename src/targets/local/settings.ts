import { z } from 'zod';
import { doc } from '../../core/schemaDoc';

/** `rdeploy.json` → `targets.local`, and `--set KEY=VALUE` with `--target local`. */
export const LocalSettingsSchema = z
  .object({
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .meta(doc('Port', 'Port on 127.0.0.1 the model answers on. Default (or `0`): the previous deployment\'s port when it is free, else a free one.')),
  })
  .strict()
  .meta(doc('Local Docker', 'Settings of the `local` target: a container on this machine.'));
export type LocalSettings = z.infer<typeof LocalSettingsSchema>;
