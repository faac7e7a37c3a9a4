import type { Usage } from '../estimate';
import { ACI_PRICE_IDS } from '../prices/aci';

export interface AciUsageInput {
  vcpu: number;
  memoryGb: number;
  runsPerMonth: number;
  /** Average time R spends scoring in one run. */
  durationMs: number;
  /** Image pull and R start-up before scoring, billed too; the target knows its image size. */
  startupMs?: number;
  /** Built-in trigger and action executions of the Logic App per run (trigger, delay, response…). */
  builtInActionsPerRun?: number;
  /** Standard connector calls per run (create, poll and delete the container group). */
  connectorCallsPerRun?: number;
}

// A workflow that creates the container group, checks its state once and deletes it, started by
// a built-in Recurrence or HTTP trigger with one built-in step. The ACI target counts its real
// workflow definition and passes the numbers; these defaults are for estimates before that.
export const DEFAULT_BUILT_IN_ACTIONS_PER_RUN = 2;
export const DEFAULT_CONNECTOR_CALLS_PER_RUN = 3;

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** A month of container group runs started by a Logic App (Consumption). */
export function aciMeters(input: AciUsageInput): Usage {
  const { vcpu, memoryGb, runsPerMonth, durationMs } = input;
  const startupMs = input.startupMs ?? 0;
  const builtIn = input.builtInActionsPerRun ?? DEFAULT_BUILT_IN_ACTIONS_PER_RUN;
  const connector = input.connectorCallsPerRun ?? DEFAULT_CONNECTOR_CALLS_PER_RUN;
  // Container Instances bill by the second; each run is rounded up to a whole second.
  const secondsPerRun = Math.ceil((durationMs + startupMs) / 1000);
  const seconds = runsPerMonth * secondsPerRun;
  const assumptions = [
    `Each run is billed ${num(secondsPerRun)} s (scoring${startupMs ? ' plus start-up' : ''}, rounded up to the second) for ${num(vcpu)} vCPU and ${num(memoryGb)} GB.`,
    `The Logic App runs ${num(builtIn)} built-in actions and ${num(connector)} standard connector calls per run.`,
  ];
  if (!startupMs) assumptions.push('Image pull and R start-up time are not included; every run pays for them too.');
  return {
    meters: [
      { priceId: ACI_PRICE_IDS.vcpu, quantity: seconds * vcpu, explanation: `${num(runsPerMonth)} runs × ${num(secondsPerRun)} s × ${num(vcpu)} vCPU` },
      { priceId: ACI_PRICE_IDS.memory, quantity: seconds * memoryGb, explanation: `${num(runsPerMonth)} runs × ${num(secondsPerRun)} s × ${num(memoryGb)} GB` },
      { priceId: ACI_PRICE_IDS.builtInAction, quantity: runsPerMonth * builtIn, explanation: `${num(runsPerMonth)} runs × ${num(builtIn)} built-in actions` },
      { priceId: ACI_PRICE_IDS.standardConnector, quantity: runsPerMonth * connector, explanation: `${num(runsPerMonth)} runs × ${num(connector)} connector calls` },
    ],
    assumptions,
    basis: `${num(runsPerMonth)} runs × ${num(durationMs)} ms at ${num(vcpu)} vCPU, ${num(memoryGb)} GB`,
  };
}
