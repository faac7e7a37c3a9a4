import type { Usage } from '../estimate';

/** Local Docker has nothing to meter; kept so every target has the same shape. */
export function localMeters(): Usage {
  return { meters: [], assumptions: [] };
}
