export * from './types';
export { runMap, DEFAULT_CHUNK_ROWS, type RunMapOptions, type MapSummary } from './runMap';
export { poolExecutor, type CallSlot, type CallAnswer, type PoolOptions } from './poolExecutor';
export { CallFailure, DEFAULT_RETRY, type RetryPolicy } from './retry';
export type { MapStats } from './counter';
export { mapOutputs, type MapOutputs } from './outputs';
export { answerOf } from './answer';
