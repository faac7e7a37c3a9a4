// The cost model: what the user states (Workload), list prices as data (one table per target),
// meter functions that turn a target's settings into usage, and a pure estimator over both.
export { WorkloadSchema, parseWorkload, type Workload } from './workload';
export {
  PriceSchema,
  FreeTierSchema,
  PriceTableSchema,
  TargetKindSchema,
  tableAsOf,
  type Price,
  type FreeTier,
  type PriceTable,
  type TargetKind,
} from './priceTable';
export {
  estimateCost,
  roundUsd,
  workloadBasis,
  type Meter,
  type Usage,
  type CostLine,
  type CostEstimate,
} from './estimate';
export { formatCost, formatUsd, costJson, type CostJson } from './format';
export { LOCAL_PRICES } from './prices/local';
export { LAMBDA_PRICES, LAMBDA_PRICE_IDS } from './prices/lambda';
export { ACI_PRICES, ACI_PRICE_IDS } from './prices/aci';
export { BATCH_PRICES, BATCH_PRICE_IDS, BATCH_VM_SIZES, DEFAULT_BATCH_VM_SIZE, type BatchVmSize } from './prices/batch';
export { localMeters } from './meters/local';
export { lambdaMeters, type LambdaArchitecture, type LambdaUsageInput } from './meters/lambda';
export {
  aciMeters,
  DEFAULT_BUILT_IN_ACTIONS_PER_RUN,
  DEFAULT_CONNECTOR_CALLS_PER_RUN,
  type AciUsageInput,
} from './meters/aci';
export { batchMeters, batchNodeHourMeters, HOURS_PER_MONTH, type BatchNodeHours, type BatchUsageInput } from './meters/batch';
export { PRICE_TABLES } from './tables';
