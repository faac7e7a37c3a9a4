import { randomUUID } from 'node:crypto';
import { ArmError } from './errors';
import type { ArmReply, ArmRequest, LongRunningOptions, LroState } from './types';

/**
 * ARM's asynchronous operations (learn.microsoft.com/azure/azure-resource-manager/management/
 * async-operations): the first answer is 201 (PUT) or 202 (DELETE, POST) with
 * `Azure-AsyncOperation` pointing at an operation-status resource and `Location` at an
 * operation-result resource, both under the provider's location:
 *   /subscriptions/{sub}/providers/{Namespace}/locations/{region}/operations/{id}        → { id, name, status, startTime, endTime?, error? }
 *   /subscriptions/{sub}/providers/{Namespace}/locations/{region}/operationResults/{id}  → 202 while running, then the result (204 by default)
 * The SDK (core-lro) polls the first until a terminal status, then, for a PUT, GETs the resource.
 */
interface Operation {
  id: string;
  startTime: string;
  endTime?: string;
  poll: () => LroState;
  final?: LroState;
  result?: () => ArmReply;
}

export class Operations {
  private readonly ops = new Map<string, Operation>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly subscriptionId: string,
    private readonly location: string,
  ) {}

  /** The first answer of a long-running operation; its status is polled from `opts.poll`. */
  begin(request: Pick<ArmRequest, 'path' | 'apiVersion'>, opts: LongRunningOptions): ArmReply {
    const id = randomUUID();
    this.ops.set(id, { id, startTime: new Date().toISOString(), poll: opts.poll, result: opts.result });
    const namespace = /\/providers\/([^/]+)\/[^/]+/i.exec(request.path)?.[1] ?? 'Microsoft.Resources';
    const base = `${this.baseUrl()}subscriptions/${this.subscriptionId}/providers/${namespace}/locations/${this.location}`;
    const query = `?api-version=${encodeURIComponent(request.apiVersion)}`;
    const headers = {
      'Azure-AsyncOperation': `${base}/operations/${id}${query}`,
      Location: `${base}/operationResults/${id}${query}`,
    };
    return { status: opts.status ?? (opts.kind === 'PUT' ? 201 : 202), headers, ...(opts.body === undefined ? {} : { body: opts.body }) };
  }

  /** GET …/operations/{id}: the operation-status body. */
  status(id: string): ArmReply {
    const op = this.get(id);
    const state = this.state(op);
    return {
      status: 200,
      body: {
        id: `/subscriptions/${this.subscriptionId}/providers/locations/${this.location}/operations/${op.id}`,
        name: op.id,
        status: state.status,
        startTime: op.startTime,
        ...(op.endTime ? { endTime: op.endTime } : {}),
        ...('error' in state ? { error: state.error } : {}),
      },
    };
  }

  /** GET …/operationResults/{id}: 202 while running, then the operation's result. */
  result(id: string): ArmReply {
    const op = this.get(id);
    const state = this.state(op);
    if (state.status === 'InProgress') return { status: 202 };
    if ('error' in state) throw new ArmError(400, state.error.code, state.error.message);
    return op.result?.() ?? { status: 204 };
  }

  private state(op: Operation): LroState {
    if (op.final) return op.final;
    const state = op.poll();
    if (state.status !== 'InProgress') {
      op.final = state;
      op.endTime = new Date().toISOString();
    }
    return state;
  }

  private get(id: string): Operation {
    const op = this.ops.get(id.toLowerCase());
    if (!op) throw new ArmError(404, 'OperationNotFound', `The operation '${id}' could not be found.`);
    return op;
  }
}
