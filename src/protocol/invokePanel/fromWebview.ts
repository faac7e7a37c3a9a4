import { z } from 'zod';
import { MAX_PAYLOAD_CHARS, PAYLOAD_NAME } from './limits';

/**
 * Messages the invoke panel's webview posts to the extension host. The webview is not trusted:
 * the host parses every message with `FromWebviewSchema` and drops what does not match. A payload
 * must be one JSON value and goes only to the target's `invoke` (never to a shell or a path).
 */


function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const payloadText = z.string().max(MAX_PAYLOAD_CHARS).refine(isJson, { message: 'The payload is not valid JSON.' });
const payloadName = z.string().regex(PAYLOAD_NAME);

export const FromWebviewSchema = z.discriminatedUnion('kind', [
  /** The webview's script has started (also after it was hidden and shown again). */
  z.strictObject({ kind: z.literal('ready') }),
  z.strictObject({ kind: z.literal('invoke'), id: z.number().int().nonnegative(), payload: payloadText }),
  z.strictObject({ kind: z.literal('loadPayload'), name: payloadName }),
  z.strictObject({ kind: z.literal('template') }),
  z.strictObject({ kind: z.literal('save'), name: payloadName, payload: payloadText }),
]);

export type FromWebview = z.infer<typeof FromWebviewSchema>;

/** Parses a message from the webview; `undefined` for anything that is not one of ours. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  const parsed = FromWebviewSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
