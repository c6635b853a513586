import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PumphouseError } from '../errors.js';
import { checkAgainstSchema } from '../diagnostics/schema-check.js';
import { locate, readYamlFile, type YamlSource } from '../diagnostics/yaml-source.js';
import { closest } from '../diagnostics/schema-check.js';

/**
 * clouds.yaml and secure.yaml, found the way the OpenStack clients find them: the first
 * clouds.yaml of OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/; secure.yaml
 * (OS_CLIENT_SECURE_FILE or the same folders) deep-merged over it so passwords can live apart.
 */
export interface CloudsFile {
  /** The clouds.yaml that was read, or undefined when none exists anywhere. */
  path?: string;
  securePath?: string;
  /** Every place that was looked at, for the "not found" message. */
  searched: string[];
  clouds: Record<string, Record<string, unknown>>;
  source?: YamlSource;
}

export function cloudsYamlCandidates(env: NodeJS.ProcessEnv, explicit?: string): string[] {
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  if (env['OS_CLIENT_CONFIG_FILE']) candidates.push(env['OS_CLIENT_CONFIG_FILE']);
  candidates.push(resolve('clouds.yaml'), join(homedir(), '.config', 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml');
  return candidates;
}

function secureYamlCandidates(env: NodeJS.ProcessEnv, cloudsPath: string | undefined): string[] {
  const candidates: string[] = [];
  if (env['OS_CLIENT_SECURE_FILE']) candidates.push(env['OS_CLIENT_SECURE_FILE']);
  if (cloudsPath) candidates.push(join(resolve(cloudsPath, '..'), 'secure.yaml'));
  candidates.push(resolve('secure.yaml'), join(homedir(), '.config', 'openstack', 'secure.yaml'), '/etc/openstack/secure.yaml');
  return [...new Set(candidates)];
}

export function loadCloudsFile(env: NodeJS.ProcessEnv, explicit?: string): CloudsFile {
  const searched = cloudsYamlCandidates(env, explicit);
  if (explicit && !existsSync(explicit)) {
    throw new PumphouseError('PH1210', `clouds file ${explicit} (clouds_file in the config) does not exist`, {
      hint: 'fix the path; it is relative to the config file',
    });
  }
  const path = searched.find((p) => existsSync(p));
  if (!path) return { searched, clouds: {} };
  const source = readYamlFile(path, { codeBase: 1200, what: 'clouds.yaml' });
  const clouds = cloudsOf(source);
  const securePath = secureYamlCandidates(env, path).find((p) => existsSync(p));
  if (securePath) {
    const secure = cloudsOf(readYamlFile(securePath, { codeBase: 1200, what: 'secure.yaml' }));
    for (const [name, overlay] of Object.entries(secure)) clouds[name] = deepMerge(clouds[name] ?? {}, overlay);
  }
  const result: CloudsFile = { path, searched, clouds, source };
  if (securePath) result.securePath = securePath;
  return result;
}

function cloudsOf(source: YamlSource): Record<string, Record<string, unknown>> {
  if (source.value === null || source.value === undefined) return {};
  const problems = checkAgainstSchema('clouds', source, 'PH1213');
  const first = problems[0];
  if (first) {
    throw new PumphouseError(first.code, `${source.file}: ${first.message}`, {
      ...(first.hint ? { hint: first.hint } : { hint: 'see the OpenStack client configuration docs for the clouds.yaml format' }),
      ...(first.location ? { location: first.location } : {}),
    });
  }
  const clouds = (source.value as { clouds?: Record<string, Record<string, unknown>> }).clouds;
  if (!clouds) {
    throw new PumphouseError('PH1214', `${source.file} has no "clouds:" section`, {
      hint: 'a clouds.yaml starts with "clouds:" and one entry per cloud',
      location: locate(source, []),
    });
  }
  return structuredClone(clouds);
}

/** The named entry, or an error listing the names there are. */
export function findCloud(file: CloudsFile, name: string, referencedAt?: { file: string; line: number; col: number }): Record<string, unknown> {
  const entry = file.clouds[name];
  if (entry) return entry;
  const names = Object.keys(file.clouds);
  if (!file.path) {
    throw new PumphouseError('PH1211', `cloud "${name}" is named, but no clouds.yaml was found`, {
      hint: `looked in ${file.searched.join(', ')}; create one there or set OS_CLIENT_CONFIG_FILE`,
      ...(referencedAt ? { location: referencedAt } : {}),
    });
  }
  const near = closest(name, names);
  throw new PumphouseError('PH1212', `cloud "${name}" is not in ${file.path}`, {
    hint: near ? `did you mean "${near}"? (known: ${names.join(', ')})` : names.length ? `known clouds: ${names.join(', ')}` : 'the file defines no clouds',
    ...(referencedAt ? { location: referencedAt } : {}),
  });
}

function deepMerge(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export { deepMerge };
