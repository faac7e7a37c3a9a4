import { z } from 'zod';
import { portNumber } from '../../core/schemas';
import { doc } from '../../core/schemaDoc';

/**
 * `rdeploy.json` → `targets.local`, and `--set KEY=VALUE` with `--target local`. The defaults
 * bound what a model on this machine may take: memory, CPU, log size, payload size, and how long
 * a caller waits, so one bad request cannot exhaust the machine or hang an editor.
 */
export const LocalSettingsSchema = z
  .object({
    port: portNumber()
      .optional()
      .meta(doc('Port', "Port on 127.0.0.1 the model answers on. Default (or `0`): the previous deployment's port when it is free, else a free one.")),
    workers: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .meta(doc('Workers', 'R processes serving requests side by side, each a full copy of the handler and its model (memory grows with each). Default: 2.')),
    memoryMb: z
      .number()
      .int()
      .min(128)
      .max(1_048_576)
      .optional()
      .meta(doc('Memory limit (MB)', 'The most memory the container may use; past it Docker stops the model and restarts it. Default: 2048.')),
    cpus: z.number().positive().max(1024).optional().meta(doc('CPU limit', 'How many CPUs the container may use, e.g. `1.5`. Default: 2.')),
    logMaxSizeMb: z.number().int().min(1).max(1024).optional().meta(doc('Log file size (MB)', 'Docker rotates the container log past this size. Default: 10.')),
    logMaxFiles: z.number().int().min(1).max(100).optional().meta(doc('Log files kept', 'How many rotated log files Docker keeps. Default: 3.')),
    maxPayloadMb: z
      .number()
      .positive()
      .max(1024)
      .optional()
      .meta(doc('Payload limit (MB)', 'Larger payloads are refused before they are sent, and by the runtime with 413. Default: 6, like AWS Lambda.')),
    invokeTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .meta(doc('Invoke timeout (s)', 'How long `rdeploy invoke` and the editor wait for an answer. Default: 120.')),
  })
  .strict()
  .meta(doc('Local Docker', 'Settings of the `local` target: a container on this machine.'));
export type LocalSettings = z.infer<typeof LocalSettingsSchema>;

/** Every setting with its default filled in: what the plan shows and the deploy uses. */
export type EffectiveLocalSettings = Required<Omit<LocalSettings, 'port'>> & { port: number };

export function withDefaults(s: LocalSettings): EffectiveLocalSettings {
  return {
    port: s.port ?? 0,
    workers: s.workers ?? 2,
    memoryMb: s.memoryMb ?? 2048,
    cpus: s.cpus ?? 2,
    logMaxSizeMb: s.logMaxSizeMb ?? 10,
    logMaxFiles: s.logMaxFiles ?? 3,
    maxPayloadMb: s.maxPayloadMb ?? 6,
    invokeTimeoutSeconds: s.invokeTimeoutSeconds ?? 120,
  };
}
