import type { Engine } from '../../engine/index.js';
import { PumphouseError } from '../../errors.js';

export const ORIGINAL_API_CODES = { badMapsFile: 'PH4030' } as const;

/**
 * `serve --maps-from PLAN`: the plan file's `spec.maps` (the names the target calls its external
 * networks, zones, volume types and flavors), which the original API's migrations use, as the
 * original's routes had no body to say them in. Only the non-empty maps are kept.
 */
export async function mapsFromPlanFile(engine: Engine, file: string): Promise<Record<string, Record<string, string>>> {
  const checked = await engine.validate(file);
  const first = checked.diagnostics.find((d) => d.severity === 'error');
  if (!checked.desired || first) {
    throw new PumphouseError(ORIGINAL_API_CODES.badMapsFile, `--maps-from ${file}: the plan file has errors${first ? ` (first: ${first.code} ${first.message})` : ''}`, {
      hint: `run \`pumphouse validate ${file}\` and fix what it says, or name another plan file`,
    });
  }
  return Object.fromEntries(Object.entries(checked.desired.maps).filter(([, map]) => Object.keys(map).length > 0));
}
