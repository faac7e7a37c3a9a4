import type { ArmHandler, RouteOptions } from './types';

/** Registered routes, matched in registration order; paths match case-insensitively, as ARM's do. */
export interface RouteEntry {
  method: string;
  pattern: RegExp;
  handler: ArmHandler;
  options: RouteOptions;
}

export class Router {
  private readonly entries: RouteEntry[] = [];

  add(method: string, pattern: RegExp, handler: ArmHandler, options: RouteOptions): void {
    const flags = pattern.flags.includes('i') ? pattern.flags : `${pattern.flags}i`;
    this.entries.push({ method: method.toUpperCase(), pattern: new RegExp(pattern.source, flags.replace('g', '')), handler, options });
  }

  match(method: string, path: string): { entry: RouteEntry; params: Record<string, string> } | undefined {
    for (const entry of this.entries) {
      if (entry.method !== method.toUpperCase()) continue;
      const m = entry.pattern.exec(path);
      if (m) return { entry, params: { ...(m.groups ?? {}) } };
    }
    return undefined;
  }

  /** Whether some route serves this path with another method (ARM then answers 405). */
  servesPath(path: string): boolean {
    return this.entries.some((e) => e.pattern.test(path));
  }
}
