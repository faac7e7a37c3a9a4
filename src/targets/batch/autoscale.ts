import { AppError } from '../../core/errors';

/**
 * The pool's autoscale formula, rendered as text from one of three templates and the user's
 * node bounds. Every template computes `$nodes`, the pool size it wants, between the bounds; the
 * split is then the same: without Spot all nodes are dedicated; with Spot the first `minNodes`
 * are dedicated and the rest Spot (`$TargetLowPriorityNodes`: the API kept the old name).
 * Nodes leave only when their tasks are done (`taskcompletion`), so scaling in never kills work.
 */
export const AUTOSCALE_TEMPLATES = ['queue', 'workingHours', 'scaleToZero'] as const;
export type AutoscaleTemplate = (typeof AUTOSCALE_TEMPLATES)[number];

export interface AutoscaleInput {
  template: AutoscaleTemplate;
  minNodes: number;
  maxNodes: number;
  /** The nodes above minNodes are Spot. */
  spot: boolean;
}

/** The most nodes a pool of R Deploy's may ask for: well above a fresh account's core quota, low enough to catch a typo. */
export const MAX_POOL_NODES = 100;
/** How often Batch evaluates the formula (the service's default; 5 minutes to 168 hours). */
export const EVALUATION_INTERVAL = 'PT15M';
/** The window pending tasks are averaged over (queue) and must stay empty for (scale to zero), in minutes. */
export const QUEUE_WINDOW_MINUTES = 5;
export const IDLE_MINUTES = 10;
/** Working hours, UTC: Monday to Friday, from 08:00 until 18:00. */
export const WORKING_HOURS = { fromHour: 8, toHour: 18 } as const;

/** Refuses bounds Batch would take but that cannot be meant; one sentence. */
export function checkAutoscaleInput(input: AutoscaleInput): void {
  const { minNodes, maxNodes } = input;
  if (!Number.isInteger(minNodes) || !Number.isInteger(maxNodes)) throw new AppError('config-invalid', `minNodes and maxNodes must be whole numbers of nodes (got ${minNodes} and ${maxNodes}).`);
  if (minNodes < 0) throw new AppError('config-invalid', `minNodes must be 0 or more (got ${minNodes}).`);
  if (maxNodes < 1 || maxNodes > MAX_POOL_NODES) throw new AppError('config-invalid', `maxNodes must be between 1 and ${MAX_POOL_NODES} (got ${maxNodes}).`);
  if (minNodes > maxNodes) throw new AppError('config-invalid', `minNodes (${minNodes}) must not be more than maxNodes (${maxNodes}).`);
  if (!(AUTOSCALE_TEMPLATES as readonly string[]).includes(input.template)) throw new AppError('config-invalid', `autoscale must be one of ${AUTOSCALE_TEMPLATES.join(', ')} (got ${String(input.template)}).`);
}

/**
 * Pending tasks (active + running) as nodes: the newest sample, or — once five minutes of
 * samples are there (GetSamplePercent ≥ 70) — the larger of it and the window's average, so a
 * burst is met at once and a lull does not drop nodes immediately: the pattern of Microsoft's
 * documented examples (batch-automatic-scaling, pending and parallel tasks), whose
 * `max(0, GetSample(1))` also holds when a new pool has no samples yet. A node runs
 * $TaskSlotsPerNode tasks; whole nodes, rounded up.
 */
const QUEUE_NODES = [
  `$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * ${QUEUE_WINDOW_MINUTES});`,
  `$tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max(0, max($PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * ${QUEUE_WINDOW_MINUTES}))));`,
  '$wanted = ($tasks + $TaskSlotsPerNode - 1) / $TaskSlotsPerNode;',
];

function nodesOf(input: AutoscaleInput): string[] {
  const { minNodes: min, maxNodes: max } = input;
  switch (input.template) {
    case 'queue':
      return [...QUEUE_NODES, `$nodes = max(${min}, min(${max}, $wanted));`];
    case 'workingHours':
      // All nodes up in working hours; the queue decides outside them.
      return [
        ...QUEUE_NODES,
        '$now = time();',
        `$working = $now.weekday >= 1 && $now.weekday <= 5 && $now.hour >= ${WORKING_HOURS.fromHour} && $now.hour < ${WORKING_HOURS.toHour};`,
        `$nodes = $working ? ${max} : max(${min}, min(${max}, $wanted));`,
      ];
    case 'scaleToZero':
      // Zero only after IDLE_MINUTES of samples that all say no task; too little history counts as busy.
      return [
        `$recent = $PendingTasks.GetSamplePercent(TimeInterval_Minute * ${IDLE_MINUTES});`,
        `$idle = $recent >= 90 && max(0, $PendingTasks.GetSample(TimeInterval_Minute * ${IDLE_MINUTES})) == 0;`,
        '$tasks = max(0, $PendingTasks.GetSample(1));',
        '$wanted = ($tasks + $TaskSlotsPerNode - 1) / $TaskSlotsPerNode;',
        `$nodes = $idle ? 0 : max(${Math.max(1, min)}, min(${max}, $wanted));`,
      ];
  }
}

/** The formula text; throws on bounds that cannot be meant. */
export function autoscaleFormula(input: AutoscaleInput): string {
  checkAutoscaleInput(input);
  const split = input.spot
    ? [`$TargetDedicatedNodes = min(${input.minNodes}, $nodes);`, `$TargetLowPriorityNodes = max(0, $nodes - ${input.minNodes});`]
    : ['$TargetDedicatedNodes = $nodes;', '$TargetLowPriorityNodes = 0;'];
  return [...nodesOf(input), ...split, '$NodeDeallocationOption = taskcompletion;'].join('\n');
}
