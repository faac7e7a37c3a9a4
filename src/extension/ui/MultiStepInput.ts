import * as vscode from 'vscode';
import { cancelledError } from '../../core/errors';

/**
 * A multi-step quick input with step numbers and a Back button, after the VS Code extension
 * sample (vscode-extension-samples/quickinput-sample). A step returns the next step, or nothing
 * when the flow is done; Back re-runs the previous step, Escape cancels the whole flow. A step may
 * ask follow-up questions of its own with `nested` (Back there returns to the step's own list).
 */
export type Step = (input: MultiStepInput) => Promise<Step | void>;

/**
 * What a step shows, reported when it shows and when its active item changes. The integration
 * tests follow a wizard with it: the `vscode` API offers no way to read a quick input from outside.
 */
export interface ShownInput {
  kind: 'quickPick' | 'inputBox';
  title: string;
  step: number;
  totalSteps: number;
  /** The quick pick's placeholder, or the input box's prompt. */
  prompt: string;
  /** The items, separators left out (a quick pick). */
  items: { label: string; description?: string }[];
  /** The label of the active item (a quick pick), or the value (an input box). */
  active?: string;
}
export type InputObserver = (shown: ShownInput) => void;

class Back {}
const BACK = new Back();

interface Common {
  title: string;
  step: number;
  totalSteps: number;
  /** Show Back even on the first step (a nested question always has somewhere to go back to). */
  back?: boolean;
}

export class MultiStepInput {
  private readonly steps: Step[] = [];
  private current: vscode.QuickInput | undefined;

  private constructor(private readonly observe?: InputObserver) {}

  static async run(start: Step, observe?: InputObserver): Promise<void> {
    const input = new MultiStepInput(observe);
    let step: Step | void = start;
    while (step) {
      input.steps.push(step);
      try {
        step = await step(input);
      } catch (e) {
        if (e !== BACK) throw e;
        input.steps.pop();
        step = input.steps.pop();
      } finally {
        input.current?.dispose();
        input.current = undefined;
      }
    }
  }

  /**
   * A follow-up question inside the current step (edit one setting of a list): its Back button
   * answers `undefined` instead of leaving the step.
   */
  async nested<T>(ask: () => Promise<T>): Promise<T | undefined> {
    try {
      return await ask();
    } catch (e) {
      if (e === BACK) return undefined;
      throw e;
    }
  }

  private get canGoBack(): boolean {
    return this.steps.length > 1;
  }

  showQuickPick<T extends vscode.QuickPickItem>(o: Common & { items: readonly T[]; active?: T; placeholder?: string; accept?: (item: T) => boolean }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const qp = vscode.window.createQuickPick<T>();
      this.prepare(qp, o);
      qp.items = o.items;
      qp.placeholder = o.placeholder;
      qp.matchOnDescription = true;
      if (o.active) qp.activeItems = [o.active];
      let done = false;
      qp.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) {
          done = true;
          reject(BACK);
        }
      });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0];
        if (!item || (o.accept && !o.accept(item))) return;
        done = true;
        resolve(item);
      });
      qp.onDidHide(() => {
        if (!done) reject(cancelledError());
      });
      this.replaceCurrent(qp);
      qp.show();
      if (this.observe) {
        const items = o.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => ({ label: i.label, ...(i.description ? { description: i.description } : {}) }));
        const report = () => this.observe?.({ kind: 'quickPick', title: o.title, step: o.step, totalSteps: o.totalSteps, prompt: o.placeholder ?? '', items, active: qp.activeItems[0]?.label });
        qp.onDidChangeActive(report);
        this.reportShown(report);
      }
    });
  }

  showInputBox(o: Common & { value: string; prompt: string; placeholder?: string; validate: (value: string) => string | vscode.InputBoxValidationMessage | undefined }): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const box = vscode.window.createInputBox();
      this.prepare(box, o);
      box.value = o.value;
      box.prompt = o.prompt;
      box.placeholder = o.placeholder;
      box.valueSelection = [0, o.value.length];
      const check = () => (box.validationMessage = o.validate(box.value));
      check();
      let done = false;
      box.onDidChangeValue(check);
      box.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) {
          done = true;
          reject(BACK);
        }
      });
      box.onDidAccept(() => {
        const problem = o.validate(box.value);
        if (typeof problem === 'string' || problem?.severity === vscode.InputBoxValidationSeverity.Error) return;
        done = true;
        resolve(box.value);
      });
      box.onDidHide(() => {
        if (!done) reject(cancelledError());
      });
      this.replaceCurrent(box);
      box.show();
      this.reportShown(() => this.observe?.({ kind: 'inputBox', title: o.title, step: o.step, totalSteps: o.totalSteps, prompt: o.prompt, items: [], active: box.value }));
    });
  }

  /**
   * Reported once VS Code has it: the extension host sends a quick input's `show()` to the
   * workbench on its next tick, so a report made at once could be acted on (Back, Enter) before
   * the workbench shows the input.
   */
  private reportShown(report: () => void): void {
    if (this.observe) setTimeout(report, 0);
  }

  /** A step that asks several questions shows one input at a time: the answered one goes. */
  private replaceCurrent(next: vscode.QuickInput): void {
    this.current?.dispose();
    this.current = next;
  }

  private prepare(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, o: Common): void {
    input.title = o.title;
    input.step = o.step;
    input.totalSteps = o.totalSteps;
    input.ignoreFocusOut = true;
    input.buttons = this.canGoBack || o.back ? [vscode.QuickInputButtons.Back] : [];
  }
}
