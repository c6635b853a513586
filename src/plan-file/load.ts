import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { checkAgainstSchema } from '../diagnostics/schema-check.js';
import { locate, readYamlFile, type YamlSource } from '../diagnostics/yaml-source.js';
import { isPumphouseError, type PhCode } from '../errors.js';
import {
  PLAN_API_VERSION,
  type DesiredState,
  type FixedLayout,
  type FlavorPolicy,
  type FuelPlacement,
  type HostSpec,
  type IdentitySpec,
  type ImagePolicy,
  type WorkloadSpec,
} from '../desired/model.js';
import { checkRules } from './rules.js';

/**
 * A plan file (schemas/plan.schema.json) → DesiredState, with every problem as a located
 * Diagnostic rather than an exception, so `validate` can show them all at once and go on to the
 * next file: bad input (missing, binary, huge, broken YAML, off-schema) never throws. The rules
 * run only on a schema-valid file, since they read the shape the schema guarantees.
 *
 * Codes: PH1301 unreadable, PH1302 binary or too big, PH1303 YAML syntax or alias bomb (from
 * yaml-source.ts), PH1304 schema, PH1305 not a mapping; PH1320+ semantic rules (rules.ts).
 */
export const PLAN_FILE_CODES = { schema: 'PH1304', notMapping: 'PH1305' } as const satisfies Record<string, PhCode>;

export interface LoadedPlan {
  /** Present when there is no error (warnings allowed). */
  desired?: DesiredState;
  diagnostics: Diagnostic[];
  /** The parsed file, for code frames; absent when it could not be parsed. */
  source?: YamlSource;
}

export function loadPlanFile(file: string): LoadedPlan {
  let source: YamlSource;
  try {
    source = readYamlFile(file, { codeBase: 1300, what: 'plan file' });
  } catch (error) {
    if (!isPumphouseError(error)) throw error;
    return { diagnostics: [{ severity: 'error', code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.location ? { location: error.location } : {}) }] };
  }
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    return {
      source,
      diagnostics: [{ severity: 'error', code: PLAN_FILE_CODES.notMapping, message: `plan file ${file} must be a mapping with apiVersion, kind, metadata and spec`, hint: 'start from plans/demo.yaml', location: locate(source, []) }],
    };
  }
  const schemaProblems = checkAgainstSchema('plan', source, PLAN_FILE_CODES.schema);
  if (schemaProblems.length > 0) return { source, diagnostics: schemaProblems };
  const desired = toDesiredState(file, source);
  const diagnostics = checkRules(desired, source);
  return hasErrors(diagnostics) ? { source, diagnostics } : { source, diagnostics, desired };
}

/** Raw shapes as the schema admits them (optional keys, shorthands). */
interface RawPlan {
  metadata: { name: string };
  spec: {
    identity?: { projects: string[]; passwords?: 'reset' | 'skip'; passwordsFile?: string };
    workloads?: Array<{
      projects: string[];
      servers?: { names?: string[]; ids?: string[]; tags?: string[]; hosts?: string[] };
      strategy?: WorkloadSpec['strategy'];
      volumes?: WorkloadSpec['volumes'];
      source?: WorkloadSpec['source'];
    }>;
    images?: RawCopyPolicy;
    flavors?: RawCopyPolicy;
    volumes?: string[] | { names: string[] };
    maps?: { networks?: Record<string, string>; availabilityZones?: Record<string, string>; volumeTypes?: Record<string, string>; flavors?: Record<string, string> };
    hosts?: Array<{ name: string; state: HostSpec['state']; evacuate?: HostSpec['evacuate']; to?: string[]; parallelism?: number; abandon?: string[]; fuel?: { environment?: string; roles?: string[]; template?: string; layout?: FixedLayout } }>;
    parallelism?: { global?: number; perHost?: number };
  };
}
type RawCopyPolicy = 'referenced' | 'all' | string[] | { names: string[] };

/**
 * A host's Fuel placement as written. Absent roles stay absent: the diff makes them `compute`, or
 * `controller` for a host that runs no nova-compute.
 */
function fuelPlacementOf(raw: { environment?: string; roles?: string[]; template?: string; layout?: FixedLayout }): FuelPlacement {
  return {
    ...(raw.roles ? { roles: raw.roles } : {}),
    ...(raw.environment ? { environment: raw.environment } : {}),
    ...(raw.template ? { template: raw.template } : {}),
    ...(raw.layout ? { layout: { disks: raw.layout.disks ?? [], interfaces: raw.layout.interfaces ?? [] } } : {}),
  };
}

/** Defaults filled in, shorthands expanded, locations kept. Input is schema-valid. */
function toDesiredState(file: string, source: YamlSource): DesiredState {
  const raw = source.value as RawPlan;
  const spec = raw.spec;
  const identity: IdentitySpec | undefined = spec.identity && {
    location: locate(source, ['spec', 'identity']),
    projects: spec.identity.projects,
    passwords: spec.identity.passwords ?? 'reset',
    passwordsFile: resolve(dirname(file), spec.identity.passwordsFile ?? `${raw.metadata.name}.passwords.yaml`),
  };
  const workloads: WorkloadSpec[] = (spec.workloads ?? []).map((w, index) => ({
    index,
    location: locate(source, ['spec', 'workloads', index]),
    projects: w.projects,
    servers: { names: w.servers?.names ?? [], ids: w.servers?.ids ?? [], tags: w.servers?.tags ?? [], hosts: w.servers?.hosts ?? [] },
    strategy: w.strategy ?? 'snapshot',
    volumes: w.volumes ?? 'attached',
    source: w.source ?? 'keep-stopped',
  }));
  const hosts: HostSpec[] = (spec.hosts ?? []).map((h, index) => ({
    location: locate(source, ['spec', 'hosts', index]),
    name: h.name,
    state: h.state,
    evacuate: h.evacuate ?? 'live',
    to: h.to ?? [],
    ...(h.parallelism !== undefined ? { parallelism: h.parallelism } : {}),
    abandon: h.abandon ?? [],
    ...(h.fuel ? { fuel: fuelPlacementOf(h.fuel) } : {}),
  }));
  return {
    apiVersion: PLAN_API_VERSION,
    name: raw.metadata.name,
    file,
    fileHash: source.sha256,
    identity,
    workloads,
    images: copyPolicy(spec.images) as ImagePolicy,
    flavors: copyPolicy(spec.flavors) as FlavorPolicy,
    volumes: spec.volumes && { location: locate(source, ['spec', 'volumes']), names: Array.isArray(spec.volumes) ? spec.volumes : spec.volumes.names },
    maps: {
      networks: spec.maps?.networks ?? {},
      availabilityZones: spec.maps?.availabilityZones ?? {},
      volumeTypes: spec.maps?.volumeTypes ?? {},
      flavors: spec.maps?.flavors ?? {},
    },
    hosts,
    parallelism: { global: spec.parallelism?.global ?? 8, perHost: spec.parallelism?.perHost ?? 2 },
  };
}

/** `[a, b]` is shorthand for `{ names: [a, b] }`; absent means referenced. */
function copyPolicy(raw: RawCopyPolicy | undefined): ImagePolicy {
  if (raw === undefined) return 'referenced';
  if (Array.isArray(raw)) return { names: raw };
  return raw;
}
