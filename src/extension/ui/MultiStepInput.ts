import * as vscode from 'vscode';
import { cancelledError } from '../../core/errors';

/**
 * A multi-step quick input with step numbers and a Back button, after the VS Code extension
 * sample (vscode-extension-samples/quickinput-sample). A step returns the next step, or nothing
 * when the flow is done; Back re-runs the previous step, Escape cancels the whole flow.
 */
export type Step = (input: MultiStepInput) => Promise<Step | void>;

class Back {}
const BACK = new Back();

interface Common {
  title: string;
  step: number;
  totalSteps: number;
}

export class MultiStepInput {
  private readonly steps: Step[] = [];
  private current: vscode.QuickInput | undefined;

  static async run(start: Step): Promise<void> {
    const input = new MultiStepInput();
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
      this.current = qp;
      qp.show();
    });
  }

  showInputBox(o: Common & { value: string; prompt: string; validate: (value: string) => string | vscode.InputBoxValidationMessage | undefined }): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const box = vscode.window.createInputBox();
      this.prepare(box, o);
      box.value = o.value;
      box.prompt = o.prompt;
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
      this.current = box;
      box.show();
    });
  }

  private prepare(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, o: Common): void {
    input.title = o.title;
    input.step = o.step;
    input.totalSteps = o.totalSteps;
    input.ignoreFocusOut = true;
    input.buttons = this.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  }
}
