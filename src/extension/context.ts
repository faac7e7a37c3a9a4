import type * as vscode from 'vscode';
import type { InvocationHistory } from '../core/view/invocationHistory';
import type { Deployments } from '../targets/lifecycle/Deployments';
import type { PayloadEditors } from './documents/PayloadEditors';
import type { ReadonlyDocuments } from './documents/ReadonlyDocuments';
import type { TailManager } from './logs/TailManager';
import type { WorkspaceModel } from './model/WorkspaceModel';
import type { DeploymentsTree } from './tree/DeploymentsTree';
import type { RefreshManager } from './tree/RefreshManager';
import type { ShownInput } from './ui/MultiStepInput';

/**
 * Everything commands need, created once in `activate` and passed down: no module-level
 * mutable state. Targets are reached through `deployments` only.
 */
export interface RDeployContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly model: WorkspaceModel;
  readonly tree: DeploymentsTree;
  readonly refresh: RefreshManager;
  readonly invocations: InvocationHistory;
  readonly documents: {
    /** `rdeploy-response`: invocation answers (JSON). */
    readonly response: ReadonlyDocuments;
    /** `rdeploy-details`: Show Deployment Details. */
    readonly details: ReadonlyDocuments;
    /** `rdeploy-dockerfile`: Preview Dockerfile. */
    readonly dockerfile: ReadonlyDocuments;
    /** `rdeploy-logs`: live log tails. */
    readonly logs: ReadonlyDocuments;
  };
  readonly payloadEditors: PayloadEditors;
  readonly tails: TailManager;
  /** Plan, deploy, destroy, invoke, logs and status for every target (src/targets/lifecycle). */
  readonly deployments: Deployments;
  /** Each step the multi-step wizards show (Deploy): how the integration tests follow them. */
  readonly wizardShown: vscode.EventEmitter<ShownInput>;
}
