/** The last few invocations of each deployment, newest first; kept in memory only. */
export interface Invocation {
  at: Date;
  ok: boolean;
  durationMs: number;
  /** The saved payload or sample used, when there was one. */
  payloadName?: string;
  /** `errorType: errorMessage` when the handler failed. */
  error?: string;
}

export class InvocationHistory {
  private readonly byKey = new Map<string, Invocation[]>();

  constructor(private readonly limit = 5) {}

  add(key: string, invocation: Invocation): void {
    const list = [invocation, ...(this.byKey.get(key) ?? [])].slice(0, this.limit);
    this.byKey.set(key, list);
  }

  list(key: string): readonly Invocation[] {
    return this.byKey.get(key) ?? [];
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}

/** `errorType: errorMessage` from a failed handler's answer, or undefined if it is not one. */
export function handlerError(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { errorType, errorMessage } = body as { errorType?: unknown; errorMessage?: unknown };
  if (typeof errorMessage !== 'string') return undefined;
  return typeof errorType === 'string' && errorType ? `${errorType}: ${errorMessage}` : errorMessage;
}
