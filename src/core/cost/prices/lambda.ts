import type { PriceTable } from '../priceTable';

const SOURCE = 'https://aws.amazon.com/lambda/pricing/';
const AS_OF = '2026-11-30';
const REGION = 'us-east-1';

// The official page renders its rate tables client-side, so the numbers below were read on
// AS_OF from copies and guides that quote that page (they agree with each other); the free tier
// sentence comes from a verbatim transcription of the page's text. Only the first duration tier
// is listed: the next starts at 6 billion GB-seconds a month (x86) / 7.5 billion (Arm), far
// beyond one model.
const SECONDARY = 'Rate tables on the official page load client-side; this number was confirmed from copies of the page, not the page itself.';

export const LAMBDA_PRICE_IDS = {
  request: 'lambda.request',
  x86: 'lambda.duration.x86_64',
  arm: 'lambda.duration.arm64',
  ephemeral: 'lambda.ephemeral-storage',
} as const;

export const LAMBDA_PRICES: PriceTable = {
  target: 'lambda',
  label: `AWS Lambda (${REGION})`,
  prices: [
    {
      id: LAMBDA_PRICE_IDS.request,
      description: 'Lambda requests ($0.20 per million)',
      usd: 0.2 / 1_000_000,
      unit: 'request',
      region: REGION,
      source: SOURCE,
      asOf: AS_OF,
      note: SECONDARY,
    },
    {
      id: LAMBDA_PRICE_IDS.x86,
      description: 'Lambda duration, x86_64 (first 6 billion GB-seconds a month)',
      usd: 0.0000166667,
      unit: 'GB-second',
      region: REGION,
      source: SOURCE,
      asOf: AS_OF,
      note: SECONDARY,
    },
    {
      id: LAMBDA_PRICE_IDS.arm,
      description: 'Lambda duration, arm64 (first 7.5 billion GB-seconds a month)',
      usd: 0.0000133334,
      unit: 'GB-second',
      region: REGION,
      source: SOURCE,
      asOf: AS_OF,
      note: SECONDARY,
    },
    {
      id: LAMBDA_PRICE_IDS.ephemeral,
      description: 'Lambda ephemeral storage (/tmp) above the free 512 MB',
      usd: 0.0000000309,
      unit: 'GB-second',
      region: REGION,
      source: SOURCE,
      asOf: AS_OF,
      note: 'Best-known public list price for us-east-1; not confirmed on the official page on this date.',
    },
  ],
  freeTiers: [
    {
      id: 'lambda.free.requests',
      description: 'Lambda free tier: 1 million requests a month',
      appliesTo: [LAMBDA_PRICE_IDS.request],
      quantity: 1_000_000,
      unit: 'request',
      source: SOURCE,
      asOf: AS_OF,
    },
    {
      id: 'lambda.free.duration',
      description: 'Lambda free tier: 400,000 GB-seconds a month (x86_64 and arm64 together)',
      appliesTo: [LAMBDA_PRICE_IDS.x86, LAMBDA_PRICE_IDS.arm],
      quantity: 400_000,
      unit: 'GB-second',
      source: SOURCE,
      asOf: AS_OF,
    },
  ],
  assumptions: [
    'The Lambda free tier (1 million requests and 400,000 GB-seconds a month) is per AWS account and shared with every other function in it.',
    'The R runtime runs as a custom runtime on provided.al2023, which costs the same as any other runtime; its init time (starting R and loading the model at cold start) is billed as duration and is not in this estimate.',
    'Not counted: provisioned concurrency, API Gateway or function URL traffic, data transfer, CloudWatch Logs and the image registry (ECR) when the function is a container image.',
  ],
};
