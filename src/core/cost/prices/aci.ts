import type { PriceTable } from '../priceTable';

const ACI_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/container-instances/';
const LOGIC_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/logic-apps/';
const AS_OF = '2026-11-30';
const REGION = 'East US';

// Azure's pricing pages fill their prices in the browser for the chosen region and currency,
// so a page read gives "$-" placeholders; these are the long-standing public list prices.
const UNCONFIRMED =
  'Best-known public list price (pay-as-you-go, USD); the official page shows prices only in the browser, so it was not confirmed there on this date.';

export const ACI_PRICE_IDS = {
  vcpu: 'aci.linux.vcpu-second',
  memory: 'aci.linux.gb-second',
  builtInAction: 'logicapps.consumption.action',
  standardConnector: 'logicapps.consumption.standard-connector',
} as const;

export const ACI_PRICES: PriceTable = {
  target: 'aci',
  label: `Azure Container Instances + Logic Apps Consumption (${REGION})`,
  prices: [
    {
      id: ACI_PRICE_IDS.vcpu,
      description: 'Container Instances, Linux, vCPU',
      usd: 0.0000135,
      unit: 'vCPU-second',
      region: REGION,
      source: ACI_SOURCE,
      asOf: AS_OF,
      note: UNCONFIRMED,
    },
    {
      id: ACI_PRICE_IDS.memory,
      description: 'Container Instances, Linux, memory',
      usd: 0.0000015,
      unit: 'GB-second',
      region: REGION,
      source: ACI_SOURCE,
      asOf: AS_OF,
      note: UNCONFIRMED,
    },
    {
      id: ACI_PRICE_IDS.builtInAction,
      description: 'Logic Apps Consumption, built-in trigger and action executions',
      usd: 0.000025,
      unit: 'action execution',
      region: REGION,
      source: LOGIC_SOURCE,
      asOf: AS_OF,
      note: UNCONFIRMED,
    },
    {
      id: ACI_PRICE_IDS.standardConnector,
      description: 'Logic Apps Consumption, standard connector calls (Azure Container Instance connector)',
      usd: 0.000125,
      unit: 'connector call',
      region: REGION,
      source: LOGIC_SOURCE,
      asOf: AS_OF,
      note: UNCONFIRMED,
    },
  ],
  freeTiers: [
    {
      id: 'logicapps.free.actions',
      description: 'Logic Apps Consumption: first 4,000 built-in actions free',
      appliesTo: [ACI_PRICE_IDS.builtInAction],
      quantity: 4_000,
      unit: 'action execution',
      source: LOGIC_SOURCE,
      asOf: AS_OF,
      note: 'The pricing page says "First 4,000 actions free"; Microsoft documents the allowance as per Azure subscription. It is applied here once a month.',
    },
  ],
  assumptions: [
    'Container Instances bill per second from the start of the image pull until the container group stops; a large R image can add a minute or more to every run.',
    'The free Logic Apps actions are per Azure subscription and shared with every other Consumption workflow in it.',
    'Not counted: the container registry (ACR), storage, run-history retention of the Logic App, and data transfer.',
  ],
};
