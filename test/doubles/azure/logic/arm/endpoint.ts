import { createHash, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testTls } from '../../../../support/azureTls';
import type { ResponseReply } from '../engine/context';
import { isObject } from '../expressions/values';
import { signature, validSignature } from './names';
import { hasResponse, type LogicAppsService, type RunEntry, type WorkflowState } from './service';

/**
 * The workflow endpoint: what the service serves on its own host (prod-NN.region.logic.azure.com)
 * rather than on ARM, here HTTPS on 127.0.0.1 on a port of its own, with no bearer token: every
 * URL is signed (`sp`, `sv`, `sig`, and `se` for content links). It serves:
 *
 * - the Request trigger's callback URL (POST …/triggers/{name}/paths/invoke): starts a run and
 *   answers 202 at once when the definition has no Response; 202 with a signed Location (and
 *   Retry-After) when a Response is "Asynchronous"; otherwise the Response's answer when it runs,
 *   or 502 NoResponse when the run ends without one. Every answer carries x-ms-workflow-run-id;
 * - the asynchronous response's polling URL (GET …/runs/{run}/operations/{id}): 202 until the
 *   Response has run, then its status, headers and body; 502 NoResponse if the run ended first;
 * - run history content links (GET …/contents/ActionInputs|ActionOutputs|TriggerOutputs).
 */

const API_VERSION = '2016-10-01';
const LINK_LIFETIME_MS = 4 * 3600_000;

export type EndpointOperation = 'Trigger_Invoke' | 'Run_Poll' | 'Contents_Get';

export interface EndpointCall {
  operation: EndpointOperation | 'Unknown';
  method: string;
  path: string;
  status: number;
  runName?: string;
  at: number;
}

export interface EndpointFault {
  operation: EndpointOperation;
  status: number;
  code: string;
  message: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const errorReply = (status: number, code: string, message: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify({ error: { code, message } }),
});

const md5 = (text: string) => createHash('md5').update(text).digest('base64');

export interface ContentLink {
  uri: string;
  contentVersion: string;
  contentSize: number;
  contentHash: { algorithm: string; value: string };
}

export class LogicEndpoint {
  private readonly server: https.Server;
  private port = 0;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly recorded: EndpointCall[] = [];
  private readonly faults: Array<{ fault: EndpointFault; left: number }> = [];

  constructor(private readonly service: LogicAppsService) {
    const { cert, key } = testTls();
    this.server = https.createServer({ cert, key }, (req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /** The endpoint's base URL (https://127.0.0.1:PORT/), once it listens. */
  async ready(): Promise<string> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
    await this.starting;
    return this.url;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}/`;
  }

  calls(): EndpointCall[] {
    return [...this.recorded];
  }

  injectFault(fault: EndpointFault, times = 1): void {
    this.faults.push({ fault, left: times });
  }

  /** Stops listening (once: later calls wait for the same stop). */
  stop(): Promise<void> {
    if (!this.starting) return Promise.resolve();
    this.stopping ??= this.starting.catch(() => undefined).then(
      () =>
        new Promise<void>((resolve) => {
          this.server.closeAllConnections();
          this.server.close(() => resolve());
        }),
    );
    return this.stopping;
  }

  /** What listCallbackUrl answers for a Request trigger. */
  callbackUrl(workflow: WorkflowState, trigger: string, method: string, relativePath?: string) {
    const sp = `/triggers/${trigger}/run`;
    const sig = signature(workflow.key, sp);
    const basePath = `${this.url}workflows/${workflow.workflowId}/triggers/${trigger}/paths/invoke`;
    return {
      value: `${basePath}?api-version=${API_VERSION}&sp=${encodeURIComponent(sp)}&sv=1.0&sig=${sig}`,
      method,
      basePath,
      queries: { 'api-version': API_VERSION, sp, sv: '1.0', sig },
      ...(relativePath ? { relativePath } : {}),
    };
  }

  /** A signed link to a run's content, as run history gives them (inputsLink / outputsLink). */
  contentLink(workflow: WorkflowState, run: string, content: unknown, kind: 'ActionInputs' | 'ActionOutputs' | 'TriggerOutputs', action?: string): ContentLink {
    const text = JSON.stringify(content);
    const path = action ? `/runs/${run}/actions/${action}/contents/${kind}` : `/runs/${run}/contents/${kind}`;
    const se = new Date(Date.now() + LINK_LIFETIME_MS).toISOString();
    const sp = `${path}/read`;
    const urlPath = action ? `runs/${run}/actions/${encodeURIComponent(action)}/contents/${kind}` : `runs/${run}/contents/${kind}`;
    const uri = `${this.url}workflows/${workflow.workflowId}/${urlPath}?api-version=${API_VERSION}&se=${encodeURIComponent(se)}&sp=${encodeURIComponent(sp)}&sv=1.0&sig=${signature(workflow.key, sp, se)}`;
    const hash = md5(text);
    return { uri, contentVersion: hash, contentSize: Buffer.byteLength(text), contentHash: { algorithm: 'md5', value: hash } };
  }

  private pollUrl(workflow: WorkflowState, run: RunEntry): string {
    const sp = `/runs/${run.name}/operations/${run.operationId}/read`;
    return `${this.url}workflows/${workflow.workflowId}/runs/${run.name}/operations/${run.operationId}?api-version=${API_VERSION}&sp=${encodeURIComponent(sp)}&sv=1.0&sig=${signature(workflow.key, sp)}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://endpoint.invalid');
    const call: EndpointCall = { operation: 'Unknown', method: req.method ?? 'GET', path: url.pathname, status: 0, at: Date.now() };
    this.recorded.push(call);
    let reply: Reply;
    try {
      reply = await this.route(req, url, Buffer.concat(chunks).toString('utf8'), call);
    } catch (e) {
      reply = errorReply(500, 'InternalServerError', `test double failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    call.status = reply.status;
    const body = reply.body ?? '';
    res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(body), ...reply.headers });
    res.end(body);
  }

  private takeFault(operation: EndpointOperation): Reply | undefined {
    const index = this.faults.findIndex((f) => f.fault.operation === operation);
    const entry = this.faults[index];
    if (!entry) return undefined;
    if (--entry.left <= 0) this.faults.splice(index, 1);
    return errorReply(entry.fault.status, entry.fault.code, entry.fault.message);
  }

  private async route(req: IncomingMessage, url: URL, rawBody: string, call: EndpointCall): Promise<Reply> {
    const m = /^\/workflows\/([^/]+)\/(.+)$/.exec(url.pathname);
    const workflow = m ? this.service.byWorkflowId(m[1]!) : undefined;
    const rest = m?.[2] ?? '';
    const invoke = /^triggers\/([^/]+)\/paths\/invoke(?:\/.*)?$/.exec(rest);
    const poll = /^runs\/([^/]+)\/operations\/([^/]+)$/.exec(rest);
    const contents = /^runs\/([^/]+)\/(?:actions\/([^/]+)\/)?contents\/(ActionInputs|ActionOutputs|TriggerOutputs)$/.exec(rest);
    call.operation = invoke ? 'Trigger_Invoke' : poll ? 'Run_Poll' : contents ? 'Contents_Get' : 'Unknown';
    if (call.operation === 'Unknown') return errorReply(404, 'NotFound', `The requested path '${url.pathname}' was not found.`);
    const fault = this.takeFault(call.operation);
    if (fault) return fault;
    if (!workflow) return errorReply(404, 'WorkflowNotFound', 'The workflow could not be found.');
    const q = url.searchParams;
    const sig = q.get('sig');
    if (!sig) return errorReply(401, 'DirectApiAuthorizationRequired', 'The request must be authenticated only by Shared Access scheme.');
    const sp = q.get('sp') ?? '';
    const se = q.get('se') ?? '';
    if (!validSignature(workflow.key, sp, se, sig) || (se && Date.parse(se) < Date.now())) {
      return errorReply(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.');
    }
    if (invoke) {
      const triggerName = decodeURIComponent(invoke[1]!);
      if (sp.toLowerCase() !== `/triggers/${triggerName}/run`.toLowerCase()) return errorReply(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.');
      return this.invoke(workflow, triggerName, req, url, rawBody, call);
    }
    if (poll) {
      const run = workflow.runs.get(poll[1]!);
      call.runName = poll[1]!;
      if (!run || run.operationId !== poll[2] || sp !== `/runs/${run.name}/operations/${run.operationId}/read`) return errorReply(404, 'WorkflowRunOperationNotFound', `The operation '${poll[2]}' of workflow run '${poll[1]}' could not be found.`);
      return this.pollReply(workflow, run);
    }
    const [, runName, action, kind] = contents!;
    call.runName = runName!;
    const run = workflow.runs.get(runName!);
    const expected = action ? `/runs/${runName}/actions/${decodeURIComponent(action)}/contents/${kind}/read` : `/runs/${runName}/contents/${kind}/read`;
    if (!run || sp !== expected) return errorReply(404, 'ContentNotFound', 'The requested content could not be found.');
    let content: unknown;
    if (!action) content = run.record.trigger.outputs;
    else {
      const record = run.record.actions.get(decodeURIComponent(action));
      const secured = kind === 'ActionInputs' ? record?.secure.inputs : record?.secure.outputs;
      content = !record || secured ? undefined : kind === 'ActionInputs' ? record.inputs : record.outputs;
    }
    if (content === undefined) return errorReply(404, 'ContentNotFound', 'The requested content could not be found.');
    return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(content) };
  }

  private async invoke(workflow: WorkflowState, triggerName: string, req: IncomingMessage, url: URL, rawBody: string, call: EndpointCall): Promise<Reply> {
    const trigger = this.service.trigger(workflow, triggerName);
    if (!trigger || trigger[1].type.toLowerCase() !== 'request') {
      return errorReply(404, 'WorkflowTriggerNotFound', `The workflow '${workflow.name}' trigger '${triggerName}' could not be found.`);
    }
    const inputs = isObject(trigger[1].inputs) ? trigger[1].inputs : {};
    if (typeof inputs.method === 'string' && inputs.method.toUpperCase() !== (req.method ?? '').toUpperCase()) {
      // Double's wording: the trigger accepts only the method its definition names.
      return errorReply(400, 'TriggerRequestMethodNotValid', `The HTTP method for this request is not valid: expected '${inputs.method.toUpperCase()}' and actual '${req.method}'.`);
    }
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
    let body: unknown;
    if (rawBody !== '') {
      if (/json/i.test(req.headers['content-type'] ?? '')) {
        try {
          body = JSON.parse(rawBody);
        } catch (e) {
          return errorReply(400, 'InvalidRequestContent', `The request content is not valid and could not be deserialized: '${(e as Error).message}'.`);
        }
      } else body = rawBody;
    }
    const queries: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!['api-version', 'sp', 'sv', 'sig'].includes(k)) queries[k] = v;
    const outputs = { headers, ...(Object.keys(queries).length ? { queries } : {}), ...(body !== undefined ? { body } : {}) };
    const run = this.service.startRun(workflow, { name: trigger[0], type: trigger[1].type, outputs }, true);
    call.runName = run.name;
    if (!hasResponse(workflow.definition)) return { status: 202, headers: this.runHeaders(workflow, run) };
    if (run.asyncResponse) return this.accepted(workflow, run);
    await new Promise<void>((resolve) => {
      const check = () => {
        if (run.reply || run.ended) {
          run.listeners.delete(check);
          resolve();
        }
      };
      run.listeners.add(check);
      check();
    });
    return run.reply ? this.render(workflow, run, run.reply) : this.noResponse(workflow, run);
  }

  private accepted(workflow: WorkflowState, run: RunEntry): Reply {
    return {
      status: 202,
      headers: { ...this.runHeaders(workflow, run), Location: this.pollUrl(workflow, run), 'Retry-After': String(this.service.pollRetryAfterSeconds) },
    };
  }

  private pollReply(workflow: WorkflowState, run: RunEntry): Reply {
    if (run.reply) return this.render(workflow, run, run.reply);
    if (run.ended) return this.noResponse(workflow, run);
    return this.accepted(workflow, run);
  }

  private noResponse(workflow: WorkflowState, run: RunEntry): Reply {
    return errorReply(502, 'NoResponse', `The server did not receive a response from an upstream server. Request tracking id '${run.name}'.`, this.runHeaders(workflow, run));
  }

  private render(workflow: WorkflowState, run: RunEntry, reply: ResponseReply): Reply {
    const given = Object.keys(reply.headers).some((k) => k.toLowerCase() === 'content-type');
    let body = '';
    let type: string | undefined;
    if (typeof reply.body === 'string') {
      body = reply.body;
      type = 'text/plain; charset=utf-8';
    } else if (reply.body !== null && reply.body !== undefined) {
      body = JSON.stringify(reply.body);
      type = 'application/json; charset=utf-8';
    }
    return { status: reply.statusCode, headers: { ...this.runHeaders(workflow, run), ...(type && !given ? { 'Content-Type': type } : {}), ...reply.headers }, body };
  }

  /** The x-ms-* headers of every answer about a run. */
  private runHeaders(workflow: WorkflowState, run: RunEntry): Record<string, string> {
    return {
      'x-ms-workflow-run-id': run.name,
      'x-ms-correlation-id': run.record.correlationId,
      'x-ms-client-tracking-id': run.name,
      'x-ms-trigger-history-name': run.name,
      'x-ms-execution-location': workflow.location,
      'x-ms-workflow-system-id': `/locations/${workflow.location}/scaleunits/prod-00/workflows/${workflow.workflowId}`,
      'x-ms-workflow-id': workflow.workflowId,
      'x-ms-workflow-version': run.version,
      'x-ms-workflow-name': workflow.name,
      'x-ms-tracking-id': run.record.correlationId,
      'x-ms-request-id': `${workflow.location}:${randomUUID()}`,
    };
  }
}
