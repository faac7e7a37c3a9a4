import { z } from 'zod';

/** The targets R Deploy knows; a price table exists for each, `local` with no prices. */
/** The target a table prices; the target catalogue (src/targets/catalogue.ts) names the kinds. */
export const TargetKindSchema = z.string().regex(/^[a-z][a-z0-9-]*$/);
export type TargetKind = string;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date like 2026-11-30');
const HttpsUrl = z.url({ protocol: /^https$/ });

/** One list price, as data: where it comes from and when it was read travel with the number. */
export const PriceSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().min(1),
    usd: z.number().min(0),
    /** Singular unit the price is per: "request", "GB-second", "vCPU-second", "hour", … */
    unit: z.string().min(1),
    region: z.string().min(1).optional(),
    source: HttpsUrl,
    asOf: IsoDate,
    /** Set when the number could not be confirmed on the official page: says what we did instead. */
    note: z.string().min(1).optional(),
  })
  .strict();
export type Price = z.infer<typeof PriceSchema>;

/**
 * A monthly allowance that is free, pooled across the prices it names (Lambda's 400,000 GB-s
 * are shared by x86 and Arm). Kept apart from the prices so a line can show gross usage and
 * the part the allowance covered.
 */
export const FreeTierSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().min(1),
    appliesTo: z.array(z.string().min(1)).min(1),
    quantity: z.number().positive(),
    unit: z.string().min(1),
    source: HttpsUrl,
    asOf: IsoDate,
    note: z.string().min(1).optional(),
  })
  .strict();
export type FreeTier = z.infer<typeof FreeTierSchema>;

export const PriceTableSchema = z
  .object({
    target: TargetKindSchema,
    /** Human name of what is priced, e.g. "AWS Lambda (us-east-1)". */
    label: z.string().min(1),
    prices: z.array(PriceSchema),
    freeTiers: z.array(FreeTierSchema),
    /** Why the target costs nothing, for tables without prices ("runs on your machine"). */
    freeBecause: z.string().min(1).optional(),
    /** Facts true of every estimate on this target (what is not counted, how billing rounds). */
    assumptions: z.array(z.string().min(1)),
  })
  .strict();
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** The oldest `asOf` of the table: an estimate is only as fresh as its stalest price. */
export function tableAsOf(table: PriceTable): string | undefined {
  const dates = [...table.prices.map((p) => p.asOf), ...table.freeTiers.map((f) => f.asOf)].sort();
  return dates[0];
}
