import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountService } from './AccountService';
import type { MetricName } from './autoscale/samples';
import { BATCH_LABEL } from './run/TaskRunner';
import type { AutoScaleRunView, NodeState } from './model/types';
import type { TaskSummary } from './types';

/**
 * One Batch account of the double, as a test holds it: where its data plane listens, and the
 * hooks that stand in for what the service does on its own (a schedule's recurrence, Spot
 * preemption, metric samples, an automatic scaling run).
 */
export interface NodeSummary {
  id: string;
  dedicated: boolean;
  state: NodeState;
  runningTasks: string[];
}

export class BatchAccountDouble {
  constructor(private readonly svc: AccountService) {}

  get name(): string {
    return this.svc.state.name;
  }

  get resourceGroup(): string {
    return this.svc.state.resourceGroup;
  }

  /** The account's ARM resource id. */
  get id(): string {
    return this.svc.state.armId;
  }

  /** accountEndpoint: 127.0.0.1:PORT (no scheme, as the service writes it). */
  get host(): string {
    return this.svc.state.host;
  }

  /** https://127.0.0.1:PORT — the base URL of the data plane. */
  get endpoint(): string {
    return this.svc.state.url;
  }

  /**
   * Starts the schedule's next job, as its recurrence would now; returns the job's id, or
   * undefined when the service would start none (not active, past doNotRunAfter, or its previous
   * job still active).
   */
  fireSchedule(scheduleId: string): string | undefined {
    const job = this.svc.schedules.fire(this.svc.schedules.get(scheduleId));
    return job?.id;
  }

  /**
   * Preempts a Spot node of the pool (the given one, else one running a task, else any): its
   * running tasks go back to active and run again elsewhere, not counted as retries. Returns its id.
   */
  preemptNode(poolId: string, nodeId?: string): string {
    const pool = this.svc.pools.get(poolId);
    const spot = [...pool.nodes.values()].filter((n) => !n.dedicated && n.state !== 'preempted');
    const node = nodeId ? pool.nodes.get(nodeId) : (spot.find((n) => n.running.size > 0) ?? spot[0]);
    if (!node) throw new Error(`preemptNode: pool '${poolId}' has no${nodeId ? ` node '${nodeId}'` : ' Spot node to preempt'}`);
    this.svc.pools.preempt(pool, node);
    return node.id;
  }

  /** A preempted Spot node comes back: starting, then idle. */
  recoverNode(poolId: string, nodeId: string): void {
    const pool = this.svc.pools.get(poolId);
    const node = pool.nodes.get(nodeId);
    if (!node) throw new Error(`recoverNode: pool '${poolId}' has no node '${nodeId}'`);
    this.svc.pools.recover(pool, node);
  }

  /** Sets a metric's samples for the pool's formulas (oldest first, 30 s apart, the newest `newestAgeMs` old). */
  setSamples(poolId: string, metric: MetricName, values: number[], newestAgeMs = 0): void {
    this.svc.pools.get(poolId);
    this.svc.metrics.set(poolId, metric, values, newestAgeMs);
  }

  /** Takes one sample of every pool's task and node metrics now. */
  recordSamples(): void {
    this.svc.metrics.record();
  }

  /** Runs the pool's automatic scaling now (as its evaluation interval would) and returns the run. */
  runAutoScale(poolId: string): AutoScaleRunView | undefined {
    const pool = this.svc.pools.get(poolId);
    this.svc.pools.runAutoScale(pool);
    return pool.autoScaleRun;
  }

  nodes(poolId: string): NodeSummary[] {
    const pool = this.svc.pools.get(poolId);
    return [...pool.nodes.values()].map((n) => ({ id: n.id, dedicated: n.dedicated, state: n.state, runningTasks: [...n.running.keys()] }));
  }

  tasks(jobId?: string): TaskSummary[] {
    const jobs = jobId ? [this.svc.jobs.get(jobId)] : [...this.svc.state.jobs.values()];
    return jobs.flatMap((j) =>
      [...j.tasks.values()].map((t) => ({
        jobId: j.id,
        id: t.id,
        state: t.state,
        retryCount: t.executionInfo.retryCount,
        requeueCount: t.executionInfo.requeueCount,
        ...(t.executionInfo.exitCode !== undefined ? { exitCode: t.executionInfo.exitCode } : {}),
        ...(t.nodeInfo ? { nodeId: t.nodeInfo.nodeId } : {}),
        ...(t.directory ? { directory: t.directory } : {}),
      })),
    );
  }

  /** Resolves once the predicate holds on the account's tasks (polled every 50 ms); rejects after timeoutMs. */
  async waitFor(what: string, predicate: (tasks: TaskSummary[]) => boolean, timeoutMs = 60_000): Promise<TaskSummary[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const tasks = this.tasks();
      if (predicate(tasks)) return tasks;
      if (Date.now() > end) throw new Error(`waitFor: ${what} not reached within ${timeoutMs} ms; tasks: ${JSON.stringify(tasks.map((t) => `${t.jobId}/${t.id}:${t.state}`))}`);
      await sleep(50);
    }
  }

  /**
   * Writes a file into the task's directory (creating one if the task never ran), as its process
   * would have: file reads can be tested on fixed content without an engine.
   */
  async putTaskFile(jobId: string, taskId: string, filePath: string, content: string | Buffer): Promise<void> {
    const task = this.svc.jobs.task(this.svc.jobs.get(jobId), taskId);
    task.directory ??= this.svc.disks.taskDir('fixtures', task.jobId, task.id);
    await mkdir(path.dirname(path.join(task.directory, filePath)), { recursive: true });
    await writeFile(path.join(task.directory, filePath), content);
  }

  /** Ids of the Docker containers the account's tasks run in now (for cleanup checks). */
  async containers(): Promise<string[]> {
    const docker = await this.svc.runner.docker();
    const list = await docker.listContainers({ all: true, filters: { label: [`${BATCH_LABEL}=${this.name}`] } });
    return list.map((c) => c.Id);
  }
}
