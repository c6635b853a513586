import { hasErrors } from '../../diagnostics/diagnostic.js';
import { PumphouseError } from '../../errors.js';
import { loadPlanFile } from '../../plan-file/index.js';

export const ORIGINAL_API_CODES = { badMapsFile: 'PH4030' } as const;

/**
 * `serve --maps-from PLAN`: the plan file's `spec.maps` (the names the target calls its external
 * networks, zones, volume types and flavors), which the original API's migrations use, as the
 * original's routes had no body to say them in. Only the non-empty maps are kept.
 */
export function mapsFromPlanFile(file: string): Record<string, Record<string, string>> {
  const loaded = loadPlanFile(file);
  if (!loaded.desired || hasErrors(loaded.diagnostics)) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new PumphouseError(ORIGINAL_API_CODES.badMapsFile, `--maps-from ${file}: the plan file has errors${first ? ` (first: ${first.code} ${first.summary})` : ''}`, {
      hint: `run \`pumphouse validate ${file}\` and fix what it says, or name another plan file`,
    });
  }
  return Object.fromEntries(Object.entries(loaded.desired.maps).filter(([, map]) => Object.keys(map).length > 0));
}
