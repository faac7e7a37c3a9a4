import type { LatencyPoint } from '../../src/protocol/invokePanel/history';
import type { InvokeOutcome, PayloadEntry, ToWebview } from '../../src/protocol/invokePanel/toWebview';

/**
 * Everything the panel shows, and how it changes. Pure, so it is tested without a DOM; the part
 * in `Persisted` survives the webview being hidden (`retainContextWhenHidden` is off).
 */
export interface ViewState {
  editor: string;
  saveName: string;
  /** The picker's value: `saved:<name>`, `sample:<name>`, or '' for none. */
  picked: string;
  payloads: PayloadEntry[];
  history: LatencyPoint[];
  last?: InvokeOutcome;
  /** The id of the invocation in flight, if any. */
  pending?: number;
  nextId: number;
  notice?: { level: 'info' | 'error'; text: string };
  /** Nothing was restored and nothing typed yet: the host may fill the editor. */
  fresh: boolean;
}

export type Persisted = Pick<ViewState, 'editor' | 'saveName' | 'picked' | 'nextId'>;

export type LocalAction =
  | { kind: 'edit'; text: string }
  | { kind: 'nameSave'; name: string }
  | { kind: 'pick'; value: string }
  | { kind: 'sent'; id: number };

export function initialState(saved?: Partial<Persisted>): ViewState {
  return {
    editor: typeof saved?.editor === 'string' ? saved.editor : '{\n  \n}',
    saveName: typeof saved?.saveName === 'string' ? saved.saveName : '',
    picked: typeof saved?.picked === 'string' ? saved.picked : '',
    nextId: typeof saved?.nextId === 'number' && Number.isSafeInteger(saved.nextId) ? saved.nextId : 1,
    payloads: [],
    history: [],
    fresh: typeof saved?.editor !== 'string',
  };
}

export function persisted(s: ViewState): Persisted {
  return { editor: s.editor, saveName: s.saveName, picked: s.picked, nextId: s.nextId };
}

export function pickerValue(p: PayloadEntry): string {
  return `${p.origin}:${p.name}`;
}

/** The payload name behind a picker value (`sample:one-car` → `one-car`). */
export function pickedName(value: string): string | undefined {
  const colon = value.indexOf(':');
  return colon > 0 ? value.slice(colon + 1) : undefined;
}

export function reduce(s: ViewState, a: ToWebview | LocalAction): ViewState {
  switch (a.kind) {
    case 'edit':
      return { ...s, editor: a.text, fresh: false };
    case 'nameSave':
      return { ...s, saveName: a.name };
    case 'pick':
      return { ...s, picked: a.value, saveName: pickedName(a.value) ?? s.saveName };
    case 'sent':
      return { ...s, pending: a.id, nextId: Math.max(s.nextId, a.id + 1), notice: undefined };
    case 'init':
      return {
        ...s,
        payloads: a.payloads,
        history: a.history,
        last: a.last ?? s.last,
        // A request sent before the webview was hidden may still be running on the host.
        pending: a.busy ? s.pending ?? -1 : undefined,
        nextId: Math.max(s.nextId, (a.last?.id ?? 0) + 1),
        ...(s.fresh && a.payload !== undefined ? { editor: a.payload } : {}),
        fresh: false,
      };
    case 'payloads':
      return { ...s, payloads: a.payloads };
    case 'payloadText':
      return { ...s, editor: a.text, notice: undefined, fresh: false };
    case 'invokeResult':
      return {
        ...s,
        last: a.outcome,
        history: a.history,
        pending: s.pending === a.outcome.id || s.pending === -1 ? undefined : s.pending,
      };
    case 'saved':
      return { ...s, payloads: a.payloads, picked: `saved:${a.name}`, saveName: a.name };
    case 'notice':
      return { ...s, notice: { level: a.level, text: a.text } };
  }
}
