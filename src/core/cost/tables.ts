import type { PriceTable } from './priceTable';
import { ACI_PRICES } from './prices/aci';
import { BATCH_PRICES } from './prices/batch';
import { LAMBDA_PRICES } from './prices/lambda';
import { LOCAL_PRICES } from './prices/local';

/** Every price table of this version (each target's catalogue entry names its own). */
export const PRICE_TABLES: readonly PriceTable[] = [LOCAL_PRICES, LAMBDA_PRICES, ACI_PRICES, BATCH_PRICES];
