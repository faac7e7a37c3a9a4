import type { FromWebview } from '../../src/protocol/invokePanel/fromWebview';
import type { Persisted } from './state';

/** The part of the webview API the panel uses, typed with our messages and state. */
export interface PanelApi {
  postMessage(message: FromWebview): void;
  getState(): Partial<Persisted> | undefined;
  setState(state: Persisted): void;
}

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

/** May be called once per page, so main.ts calls it once and passes it on. */
export function panelApi(): PanelApi {
  const api = acquireVsCodeApi();
  return {
    postMessage: (m) => api.postMessage(m),
    getState: () => {
      const s = api.getState();
      return s && typeof s === 'object' ? (s as Partial<Persisted>) : undefined;
    },
    setState: (s) => api.setState(s),
  };
}
