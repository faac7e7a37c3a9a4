import type { RDeployContext } from '../context';

// One controller per activation, aborted when VS Code disposes the extension's subscriptions
// (deactivate, reload, window close). Kept by context object so it needs no field in
// services.ts, which another change owns.
const lifetimes = new WeakMap<RDeployContext, AbortController>();

/** Aborted when the extension deactivates: child processes (R) must not outlive it. */
export function extensionSignal(ctx: RDeployContext): AbortSignal {
  let controller = lifetimes.get(ctx);
  if (!controller) {
    const created = (controller = new AbortController());
    lifetimes.set(ctx, created);
    ctx.extension.subscriptions.push({ dispose: () => created.abort() });
  }
  return controller.signal;
}

/** The command's own signal (Cancel) or the extension's end, whichever comes first. */
export function untilCancelledOrDeactivated(ctx: RDeployContext, signal: AbortSignal): AbortSignal {
  return AbortSignal.any([signal, extensionSignal(ctx)]);
}
