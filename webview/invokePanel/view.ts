import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { MAX_PAYLOAD_CHARS, PAYLOAD_NAME } from '../../src/protocol/invokePanel/limits';
import type { InvokePanelStrings } from '../../src/protocol/invokePanel/strings';
import type { ToWebview } from '../../src/protocol/invokePanel/toWebview';
import { drawLatencyChart } from './chartView';
import { fill, formatMs, prettyResponse } from './format';
import { checkJson, type JsonCheck, type JsonProblem } from './jsonCheck';
import { initialState, persisted, pickedName, pickerValue, reduce, type LocalAction, type ViewState } from './state';
import type { PanelApi } from './vscodeApi';

const HOST_KINDS = new Set<string>(['init', 'payloads', 'payloadText', 'invokeResult', 'saved', 'notice']);

function byId<T extends Element>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`The invoke panel page has no #${id}.`);
  return e as unknown as T;
}

/** Binds the page's elements to the view state: events in, `render()` out. */
export class PanelView {
  private state: ViewState;
  private check: JsonCheck = { ok: true };
  private chartWidth = -1;
  private drawnHistory: unknown;
  private readonly editor = byId<VscodeTextarea>('payload-editor');
  private readonly picker = byId<VscodeSingleSelect>('payload-picker');
  private readonly templateButton = byId<VscodeButton>('template-button');
  private readonly sendButton = byId<VscodeButton>('send-button');
  private readonly saveName = byId<VscodeTextfield>('save-name');
  private readonly saveButton = byId<VscodeButton>('save-button');
  private readonly checkLine = byId<HTMLElement>('payload-check');
  private readonly notice = byId<HTMLElement>('notice');
  private readonly status = byId<HTMLElement>('status');
  private readonly duration = byId<HTMLElement>('duration');
  private readonly busy = byId<HTMLElement>('busy');
  private readonly errorBox = byId<HTMLElement>('error-box');
  private readonly response = byId<HTMLElement>('response');
  private readonly chart = byId<SVGSVGElement>('latency-chart');
  private readonly chartSummary = byId<HTMLElement>('chart-summary');

  constructor(
    private readonly api: PanelApi,
    private readonly strings: InvokePanelStrings,
  ) {
    this.state = initialState(api.getState());
    const mac = navigator.userAgent.includes('Mac');
    byId<HTMLElement>('send-hint').textContent = fill(strings.sendHint, mac ? '⌘' : 'Ctrl');
    this.bind();
    this.validate();
    this.render();
  }

  onHostMessage(message: ToWebview): void {
    if (!message || typeof message !== 'object' || !HOST_KINDS.has(message.kind)) return;
    this.apply(message);
    if (message.kind === 'payloadText' || message.kind === 'init') this.validate();
    if (message.kind === 'saved') this.state = { ...this.state, notice: { level: 'info', text: fill(this.strings.saved, message.file) } };
    this.render();
  }

  private apply(action: ToWebview | LocalAction): void {
    this.state = reduce(this.state, action);
    this.api.setState(persisted(this.state));
  }

  private bind(): void {
    this.editor.addEventListener('input', () => {
      this.apply({ kind: 'edit', text: this.editor.value });
      this.validate();
      this.render();
    });
    this.picker.addEventListener('change', () => {
      const value = this.picker.value;
      this.apply({ kind: 'pick', value });
      const name = pickedName(value);
      if (name) this.api.postMessage({ kind: 'loadPayload', name });
      this.render();
    });
    this.saveName.addEventListener('input', () => {
      this.apply({ kind: 'nameSave', name: this.saveName.value.trim() });
      this.render();
    });
    this.saveName.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.save();
    });
    this.templateButton.addEventListener('click', () => this.api.postMessage({ kind: 'template' }));
    this.sendButton.addEventListener('click', () => this.send());
    this.saveButton.addEventListener('click', () => this.save());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.send();
      }
    });
    new ResizeObserver(() => this.renderChart()).observe(byId('chart-box'));
  }

  private canSend(): boolean {
    return this.check.ok && this.state.pending === undefined && this.state.editor.length <= MAX_PAYLOAD_CHARS;
  }

  private send(): void {
    if (!this.canSend()) return;
    const id = this.state.nextId;
    this.apply({ kind: 'sent', id });
    this.api.postMessage({ kind: 'invoke', id, payload: this.state.editor });
    this.render();
  }

  private save(): void {
    const name = this.state.saveName;
    if (!PAYLOAD_NAME.test(name)) {
      this.state = { ...this.state, notice: { level: 'error', text: this.strings.saveNameInvalid } };
      this.render();
      return;
    }
    if (!this.check.ok) return;
    this.api.postMessage({ kind: 'save', name, payload: this.state.editor });
  }

  private validate(): void {
    this.check = checkJson(this.state.editor);
  }

  private describeCheck(): string {
    const c = this.check;
    if (c.ok) return this.strings.jsonValid;
    if (c.problem === 'empty') return this.strings.jsonEmpty;
    const reasons: Record<Exclude<JsonProblem, 'empty'>, string> = {
      'unexpected-char': fill(this.strings.jsonUnexpectedChar, c.char ?? ''),
      'unexpected-end': this.strings.jsonUnexpectedEnd,
      'unterminated-string': this.strings.jsonUnterminatedString,
      'bad-escape': this.strings.jsonBadEscape,
      'control-char': this.strings.jsonControlChar,
      'bad-number': this.strings.jsonBadNumber,
      trailing: this.strings.jsonTrailing,
      'expected-colon': this.strings.jsonExpectedColon,
      'expected-comma': this.strings.jsonExpectedComma,
      'expected-key': this.strings.jsonExpectedKey,
    };
    return fill(this.strings.jsonInvalid, c.line, c.column, reasons[c.problem]);
  }

  private render(): void {
    const s = this.state;
    if (this.editor.value !== s.editor) this.editor.value = s.editor;
    this.editor.invalid = !this.check.ok;
    this.checkLine.textContent = this.describeCheck();
    this.checkLine.className = this.check.ok ? 'check ok' : 'check error';
    this.sendButton.disabled = !this.canSend();
    if (this.saveName.value.trim() !== s.saveName) this.saveName.value = s.saveName;
    this.saveName.invalid = s.saveName !== '' && !PAYLOAD_NAME.test(s.saveName);
    this.saveButton.disabled = !this.check.ok || !PAYLOAD_NAME.test(s.saveName);
    this.notice.textContent = s.notice?.text ?? '';
    this.notice.className = `notice ${s.notice?.level ?? ''}`;
    this.renderPicker();
    this.renderResponse();
    this.renderChart();
  }

  private renderedPayloads: unknown;
  private renderPicker(): void {
    const s = this.state;
    if (this.renderedPayloads !== s.payloads) {
      this.renderedPayloads = s.payloads;
      const none = document.createElement('vscode-option');
      none.value = '';
      none.textContent = this.strings.pickerNone;
      const options = s.payloads.map((p) => {
        const o = document.createElement('vscode-option');
        o.value = pickerValue(p);
        o.textContent = p.name;
        o.description = p.origin === 'saved' ? this.strings.originSaved : this.strings.originSample;
        return o;
      });
      this.picker.replaceChildren(none, ...options);
    }
    const known = s.payloads.some((p) => pickerValue(p) === s.picked);
    if (this.picker.value !== (known ? s.picked : '')) this.picker.value = known ? s.picked : '';
  }

  private renderedResponse: unknown[] = [];
  private renderResponse(): void {
    const { last, pending } = this.state;
    const busy = pending !== undefined;
    // Pretty-printing a large response on every keystroke would make typing lag.
    if (this.renderedResponse[0] === last && this.renderedResponse[1] === busy) return;
    this.renderedResponse = [last, busy];
    this.busy.hidden = !busy;
    this.response.closest('section')?.setAttribute('aria-busy', String(busy));
    const status = busy ? 'sending' : (last?.status ?? 'none');
    this.status.className = `status ${status}`;
    this.status.textContent = {
      sending: this.strings.statusSending,
      none: this.strings.statusNone,
      ok: this.strings.statusOk,
      error: this.strings.statusError,
      failed: this.strings.statusFailed,
    }[status];
    this.duration.textContent = !busy && last?.durationMs !== undefined ? formatMs(last.durationMs) : '';

    const failed = !busy && (last?.status === 'error' || last?.status === 'failed');
    this.errorBox.hidden = !failed;
    byId('error-type').textContent = failed ? (last?.errorType ?? this.strings.statusFailed) + ':' : '';
    byId('error-message').textContent = failed ? (last?.errorMessage ?? '') : '';

    this.response.classList.toggle('error', last?.status === 'error');
    this.response.classList.toggle('stale', busy);
    if (!last || last.raw === '') {
      this.response.textContent = last ? '' : this.strings.responseEmpty;
      this.response.hidden = !!last;
      return;
    }
    this.response.hidden = false;
    const { text, omitted } = prettyResponse(last.raw);
    this.response.textContent = omitted > 0 ? `${text}\n${fill(this.strings.responseTruncated, omitted)}` : text;
  }

  private renderChart(): void {
    const width = byId('chart-box').clientWidth;
    if (width === this.chartWidth && this.drawnHistory === this.state.history) return;
    this.chartWidth = width;
    this.drawnHistory = this.state.history;
    drawLatencyChart(this.chart, this.chartSummary, this.state.history, this.strings);
  }
}
