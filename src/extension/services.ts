import type * as vscode from 'vscode';
import { InvocationHistory } from '../core/view/invocationHistory';
import { getTarget } from '../targets/registry';
import type { Target } from '../targets/Target';
import { HandlerCodeLensProvider } from './codelens/HandlerCodeLensProvider';
import { COMMANDS } from './commands';
import type { RDeployContext } from './context';
import { runCommand } from './registry';
import { TailManager } from './logs/TailManager';
import { WorkspaceModel } from './model/WorkspaceModel';
import { DeploymentsTree } from './tree/DeploymentsTree';
import type { LazyTreeProvider } from './tree/LazyTreeProvider';
import { RefreshManager } from './tree/RefreshManager';

export interface Services {
  ctx: RDeployContext;
  run(id: string, arg: unknown, rest: unknown[]): Promise<unknown>;
  codeLens: HandlerCodeLensProvider;
}

/**
 * The part of the extension loaded on first use (a command, the view shown, an R file opened):
 * it pulls in zod, project detection and the targets, which activation must not pay for.
 */
export function createServices(
  base: Pick<RDeployContext, 'extension' | 'log' | 'documents' | 'payloadEditors'>,
  lazyTree: LazyTreeProvider,
  lensesChanged: vscode.EventEmitter<void>,
  disposables: vscode.Disposable[],
): Services {
  const targets = new Map<string, Target>();
  // One instance per kind: the local target keeps its Docker connection between calls.
  const target = (kind: string): Target => {
    let t = targets.get(kind);
    if (!t) targets.set(kind, (t = getTarget(kind)));
    return t;
  };
  const model = new WorkspaceModel(base.log);
  const invocations = new InvocationHistory(5);
  const tree = new DeploymentsTree(model, invocations, lazyTree.view, lazyTree.changed);
  const refresh = new RefreshManager(tree, target, base.log);
  const tails = new TailManager(base.documents.logs, base.log);
  const codeLens = new HandlerCodeLensProvider(lensesChanged);
  const ctx: RDeployContext = { ...base, model, tree, refresh, invocations, tails, target };
  disposables.push(model, tree, refresh, tails, codeLens);
  return {
    ctx,
    codeLens,
    run: (id, arg, rest) => {
      const handler = COMMANDS[id];
      if (!handler) throw new Error(`unknown command ${id}`);
      return runCommand(ctx, id, handler, arg, rest);
    },
  };
}
