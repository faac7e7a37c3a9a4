import type { CollectFacts } from './collect';
import type { QuotaReport } from './quotas';

/** Bumped when the folder's layout or this file's meaning changes: other tools read it. */
export const MANIFEST_FORMAT = 1;

export interface ManifestArtefact {
  /** "function" or the layer's name ("01-r", "02-packages"). */
  name: string;
  kind: 'function' | 'layer';
  /** Relative to the package folder. */
  file: string;
  zippedBytes: number;
  unzippedBytes: number;
  sha256: string;
  /** Where Lambda extracts it. */
  extractTo: '/opt' | '/var/task';
  /** direct (in the request) or s3 (too large for the request). */
  upload: 'direct' | 's3';
}

/** `DIR/manifest.json` of `rdeploy package --target lambda`. */
export interface LambdaManifest {
  format: typeof MANIFEST_FORMAT;
  target: 'lambda';
  runtime: 'provided.al2023';
  /** Lambda's name for the instruction set the layers are built for. */
  architecture: 'x86_64' | 'arm64';
  /** The function's Handler: file.function, read by the runtime as _HANDLER. */
  handler: string;
  rVersion: string;
  builderImage: string;
  /** The project image the artefacts were collected from (a rebuild with the same id changes nothing). */
  imageId: string;
  /** The settings that shaped the artefacts, as applied. */
  settings: { glibcMax: string; architecture: string };
  glibc: { max: string; required: string | null };
  artefacts: ManifestArtefact[];
  totals: { zippedBytes: number; unzippedBytes: number; layers: number };
  /** File bytes of the layers before and after pruning (docs, help, tests, translations) and stripping debug symbols. */
  stripping: { bytesBefore: number; bytesAfterPruning: number; bytesAfter: number; savedPercent: number; debugSymbolsBytes: number | null };
  /** Libraries some file asks for that the builder had neither (an optional module's). */
  missingLibraries: string[];
  quotas: Pick<QuotaReport, 'ok' | 'problems'>;
}

export function strippingFacts(facts: CollectFacts): LambdaManifest['stripping'] {
  const saved = facts.bytesBefore > 0 ? (1 - facts.bytesAfter / facts.bytesBefore) * 100 : 0;
  return {
    bytesBefore: facts.bytesBefore,
    bytesAfterPruning: facts.bytesPruned,
    bytesAfter: facts.bytesAfter,
    savedPercent: Math.round(saved * 10) / 10,
    // null: the builder has no `strip`, so nothing was tried
    debugSymbolsBytes: facts.stripped ? facts.bytesPruned - facts.bytesAfter : null,
  };
}
