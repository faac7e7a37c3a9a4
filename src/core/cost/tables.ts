import type { PriceTable, TargetKind } from './priceTable';
import { ACI_PRICES } from './prices/aci';
import { BATCH_PRICES } from './prices/batch';
import { LAMBDA_PRICES } from './prices/lambda';
import { LOCAL_PRICES } from './prices/local';

/** Every price table by target, so a caller holding a kind finds its table without a switch. */
export const PRICE_TABLES: Readonly<Record<TargetKind, PriceTable>> = {
  local: LOCAL_PRICES,
  lambda: LAMBDA_PRICES,
  aci: ACI_PRICES,
  batch: BATCH_PRICES,
};
