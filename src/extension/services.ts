import * as vscode from 'vscode';
import { InvocationHistory } from '../core/view/invocationHistory';
import { standardConnections } from '../targets/connections';
import { Deployments } from '../targets/lifecycle/Deployments';
import { vscodeCredential } from './azure/vscodeCredential';
import { vscodeRegistryLogin } from './registryLogin';
import { HandlerCodeLensProvider } from './codelens/HandlerCodeLensProvider';
import { COMMANDS } from './commands';
import type { RDeployContext } from './context';
import { runCommand } from './registry';
import { TailManager } from './logs/TailManager';
import { WorkspaceModel } from './model/WorkspaceModel';
import { DeploymentsTree } from './tree/DeploymentsTree';
import type { LazyTreeProvider } from './tree/LazyTreeProvider';
import { RefreshManager } from './tree/RefreshManager';
import type { ShownInput } from './ui/MultiStepInput';

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
  // One Docker connection for the extension host; locks taken by this window say "VS Code". Azure
  // is reached as the Microsoft account signed in to VS Code (the CLI uses az login and the like).
  // A registry login (ACI's runs pull the image) is asked for once and kept in VS Code's secret storage.
  const deployments = new Deployments({ connections: standardConnections(undefined, vscodeCredential, vscodeRegistryLogin(base.extension.secrets)), tool: 'VS Code' });
  const model = new WorkspaceModel(base.log);
  const invocations = new InvocationHistory(5);
  const tree = new DeploymentsTree(model, invocations, lazyTree.view, lazyTree.changed, deployments);
  const refresh = new RefreshManager(tree, deployments, base.log);
  const tails = new TailManager(base.documents.logs, base.log);
  const codeLens = new HandlerCodeLensProvider(lensesChanged);
  const wizardShown = new vscode.EventEmitter<ShownInput>();
  const ctx: RDeployContext = { ...base, model, tree, refresh, invocations, tails, deployments, wizardShown };
  disposables.push(model, tree, refresh, tails, codeLens, wizardShown);
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
