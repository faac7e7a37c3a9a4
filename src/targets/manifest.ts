import { CATALOGUE, isAvailable } from './catalogue';

/**
 * The `rdeploy.defaultTarget` setting of package.json, from the catalogue: its enum and the
 * description of each choice. `node scripts/gen-schema.mjs` writes it into package.json, and a
 * unit test fails when the manifest says anything else.
 */
export function defaultTargetSetting(): { enum: string[]; enumDescriptions: string[] } {
  return {
    enum: CATALOGUE.map((e) => e.kind),
    enumDescriptions: CATALOGUE.map((e) => `${e.label}: ${e.description}${isAvailable(e.kind) ? '' : ' (coming soon)'}`),
  };
}
