/**
 * The scenario registry: each scenario names a SOURCE cloud builder; every scenario shares the
 * Fuel-built TARGET.
 */
import type { CloudStore } from '../store.js';
import { buildDemoSource } from './demo.js';
import { buildDowntimeSource, buildDowntimeTarget } from './downtime.js';
import { buildKitchenSinkSource, buildMacClashTarget } from './kitchen-sink.js';
import { buildLargeSource } from './large.js';
import { buildSmallSource } from './small.js';
import type { ScenarioOptions } from './options.js';
import { buildFuelTarget } from './target.js';

export type ScenarioName = 'demo' | 'small' | 'large' | 'kitchen-sink' | 'kitchen-sink-mac-clash' | 'downtime';
export const SCENARIO_NAMES: readonly ScenarioName[] = ['demo', 'small', 'large', 'kitchen-sink', 'kitchen-sink-mac-clash', 'downtime'];

export interface Scenario {
  name: ScenarioName;
  /** Builds a fresh, independent store each call (deterministic: same ids every time). */
  source(cloudName?: string, options?: ScenarioOptions): CloudStore;
  target(cloudName?: string, options?: ScenarioOptions): CloudStore;
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  demo: { name: 'demo', source: buildDemoSource, target: (cloudName) => buildFuelTarget(cloudName) },
  small: { name: 'small', source: buildSmallSource, target: (cloudName) => buildFuelTarget(cloudName) },
  // Room on the target for the waves the large source is moved in (bench:apply moves 600 servers).
  large: { name: 'large', source: buildLargeSource, target: (cloudName) => buildFuelTarget(cloudName, 24) },
  // Every case of issue "Fidelity" item 6 in one project (kitchen-sink.ts).
  'kitchen-sink': { name: 'kitchen-sink', source: buildKitchenSinkSource, target: (cloudName) => buildFuelTarget(cloudName) },
  // The same source; the target already holds a port with the MAC of ks-web-port (a conflict at plan time).
  'kitchen-sink-mac-clash': { name: 'kitchen-sink-mac-clash', source: buildKitchenSinkSource, target: buildMacClashTarget },
  // Servers with 2–20 GiB disks, cold-* and warm-*, for bench:downtime (downtime.ts).
  downtime: { name: 'downtime', source: buildDowntimeSource, target: buildDowntimeTarget },
};

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}
