import { dirname, isAbsolute, resolve } from 'node:path';
import { PumphouseError, type SourceLocation } from '../errors.js';
import { checkAgainstSchema } from '../diagnostics/schema-check.js';
import { locate, readYamlFile, type YamlSource } from '../diagnostics/yaml-source.js';
import { deepMerge, findCloud, loadCloudsFile, type CloudsFile } from './clouds-yaml.js';
import { interpolateEnv } from './interpolate.js';
import type { AuthOptions, AuthType, CloudConfig, EndpointInterface, FuelConfig, HostHardware, HostManagement, HttpLimits } from './types.js';

/**
 * pumphouse.yaml → the two clouds, fully resolved. Order of precedence for a cloud's settings:
 * clouds.yaml entry < secure.yaml < the keys written beside `cloud:` in pumphouse.yaml.
 * Every problem is a PumphouseError located in the file that has it.
 */
export interface Settings {
  /** Per attempt of an API request. */
  timeoutMs: number;
  /** Limits on what a cloud, Fuel or a BMC can make Pumphouse hold or wait for. */
  http: HttpLimits;
  discovery: { concurrency: number; pageSize: number };
  /** `pumphouse serve`'s limits. */
  serve: { maxConnections: number; plansKept: number; planMaxAgeMs: number };
  /** keepAdminGrants: leave Pumphouse's own admin role on the target projects it worked in. */
  apply: { keepAdminGrants: boolean };
}

export interface PumphouseConfig {
  file: string;
  source: CloudConfig;
  target: CloudConfig;
  settings: Settings;
  /** The clouds.yaml that was used, if any. */
  cloudsFile?: string;
  /** The Fuel master, when hosts are to be upgraded. */
  fuel?: FuelConfig;
  /** Source hosts' hardware and management, by host name. */
  hosts: Record<string, HostHardware>;
  /** How a source host is managed unless `hosts.<name>.management` says (pumphouse.yaml `host_management`). @default "bmc" */
  hostManagement: HostManagement;
  /** pumphouse.yaml `maps`: the default spec.maps of the plans `serve` makes for the original API. */
  maps?: Record<string, Record<string, string>>;
}

/** How `host` is managed: its own entry's `management`, else the config's default. */
export function managementOf(config: Pick<PumphouseConfig, 'hosts' | 'hostManagement'>, host: string): HostManagement {
  return config.hosts[host]?.management ?? config.hostManagement;
}

export const DEFAULT_SETTINGS: Settings = {
  timeoutMs: 60_000,
  http: { maxResponseBytes: 64 * 1024 * 1024, deadlineMs: 120_000 },
  discovery: { concurrency: 8, pageSize: 1000 },
  serve: { maxConnections: 256, plansKept: 50, planMaxAgeMs: 24 * 3_600_000 },
  apply: { keepAdminGrants: false },
};

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): PumphouseConfig {
  const source = readYamlFile(file, { codeBase: 1100, what: 'config file' });
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new PumphouseError('PH1106', `config file ${file} must be a mapping with "source" and "target"`, {
      hint: 'see samples/config.yaml',
      location: locate(source, []),
    });
  }
  const problems = checkAgainstSchema('config', source, 'PH1107');
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new PumphouseError(first.code, `${first.message}${more}`, {
      hint: first.hint ?? 'see samples/config.yaml for every key',
      ...(first.location ? { location: first.location } : {}),
    });
  }
  const value = interpolateEnv(source, env) as RawConfig;
  const explicitClouds = value.clouds_file ? resolve(dirname(file), value.clouds_file) : undefined;
  let clouds: CloudsFile | undefined;
  const cloudsFile = (): CloudsFile => (clouds ??= loadCloudsFile(env, explicitClouds));
  const settings = settingsOf(value.settings ?? {});
  const config: PumphouseConfig = {
    file,
    source: resolveCloud('source', value.source, source, cloudsFile, settings),
    target: resolveCloud('target', value.target, source, cloudsFile, settings),
    settings,
    hosts: hostsOf(value.hosts ?? {}, value.host_management ?? 'bmc', settings.http),
    hostManagement: value.host_management ?? 'bmc',
  };
  if (value.fuel) config.fuel = { ...fuelOf(value.fuel), timeoutMs: settings.timeoutMs, ...settings.http };
  if (value.maps) config.maps = value.maps;
  if (clouds?.path) config.cloudsFile = clouds.path;
  return config;
}

function settingsOf(raw: NonNullable<RawConfig['settings']>): Settings {
  const d = DEFAULT_SETTINGS;
  const timeoutMs = raw.timeout_seconds ? Math.round(raw.timeout_seconds * 1000) : d.timeoutMs;
  return {
    timeoutMs,
    http: {
      maxResponseBytes: raw.http?.max_response_bytes ?? d.http.maxResponseBytes,
      deadlineMs: raw.http?.deadline_seconds ? Math.round(raw.http.deadline_seconds * 1000) : 2 * timeoutMs,
    },
    discovery: { concurrency: raw.discovery?.concurrency ?? d.discovery.concurrency, pageSize: raw.discovery?.page_size ?? d.discovery.pageSize },
    serve: {
      maxConnections: raw.serve?.max_connections ?? d.serve.maxConnections,
      plansKept: raw.serve?.plans_kept ?? d.serve.plansKept,
      planMaxAgeMs: raw.serve?.plan_max_age_hours ? Math.round(raw.serve.plan_max_age_hours * 3_600_000) : d.serve.planMaxAgeMs,
    },
    apply: { keepAdminGrants: raw.apply?.keep_admin_grants ?? d.apply.keepAdminGrants },
  };
}

function fuelOf(raw: NonNullable<RawConfig['fuel']>): FuelConfig {
  return {
    url: raw.url.replace(/\/+$/, ''), username: raw.username ?? 'admin', password: raw.password ?? '', environment: raw.environment,
    ...(raw.source_environment ? { sourceEnvironment: raw.source_environment } : {}), verify: raw.verify !== false,
  };
}

function hostsOf(raw: NonNullable<RawConfig['hosts']>, management: HostManagement, limits: HttpLimits): Record<string, HostHardware> {
  return Object.fromEntries(Object.entries(raw).map(([name, host]) => {
    const b = host.bmc;
    const bmc: HostHardware['bmc'] = b && {
      driver: b.driver, address: b.address, username: b.username, password: b.password,
      ...(b.port !== undefined ? { port: b.port } : {}),
      ...(b.cipher_suite !== undefined ? { cipherSuite: b.cipher_suite } : {}),
      ...(b.scheme !== undefined ? { scheme: b.scheme } : {}),
      ...(b.verify !== undefined ? { verifyTls: b.verify } : {}),
      ...(b.timeout_seconds !== undefined ? { timeoutMs: Math.round(b.timeout_seconds * 1000) } : {}),
      ...(b.driver === 'redfish' ? { maxResponseBytes: limits.maxResponseBytes } : {}),
    };
    const hardware: HostHardware = { name, management: host.management ?? management, ...(bmc ? { bmc } : {}), pxeMacs: (host.pxe_macs ?? []).map((m) => m.toLowerCase()) };
    return [name, hardware];
  }));
}

/** A cloud straight from clouds.yaml by name (for `--cloud NAME` use and the real-cloud tests). */
export function cloudFromCloudsYaml(name: string, env: NodeJS.ProcessEnv = process.env, label = name): CloudConfig {
  const file = loadCloudsFile(env);
  const entry = findCloud(file, name);
  return toCloudConfig(label, entry, { definedIn: `${file.path} (cloud ${name})`, cloudName: name, baseDir: dirname(file.path ?? '.') });
}

interface RawCloud {
  cloud?: string;
  auth?: Partial<AuthOptions>;
  auth_type?: AuthType;
  region_name?: string;
  interface?: EndpointInterface;
  cacert?: string;
  verify?: boolean;
}

interface RawConfig {
  clouds_file?: string;
  source: RawCloud;
  target: RawCloud;
  settings?: {
    timeout_seconds?: number;
    http?: { max_response_bytes?: number; deadline_seconds?: number };
    discovery?: { concurrency?: number; page_size?: number };
    apply?: { keep_admin_grants?: boolean };
    serve?: { max_connections?: number; plans_kept?: number; plan_max_age_hours?: number };
  };
  fuel?: { url: string; username?: string; password?: string; environment: string; source_environment?: string; verify?: boolean };
  host_management?: HostManagement;
  maps?: Record<string, Record<string, string>>;
  hosts?: Record<string, {
    management?: HostManagement;
    bmc?: { driver: 'ipmitool' | 'redfish'; address: string; port?: number; username: string; password: string; cipher_suite?: number; scheme?: 'https' | 'http'; verify?: boolean; timeout_seconds?: number };
    pxe_macs?: string[];
  }>;
}

function resolveCloud(label: 'source' | 'target', raw: RawCloud, source: YamlSource, cloudsFile: () => CloudsFile, settings: Settings): CloudConfig {
  const at = locate(source, [label], true);
  let merged: Record<string, unknown> = {};
  let definedIn = `${source.file}:${at.line}:${at.col}`;
  let baseDir = dirname(source.file);
  if (raw.cloud) {
    const file = cloudsFile();
    merged = findCloud(file, raw.cloud, locate(source, [label, 'cloud']));
    definedIn = `${file.path} (cloud ${raw.cloud}, named at ${definedIn})`;
    baseDir = dirname(file.path ?? '.');
  }
  const { cloud: _name, ...overrides } = raw;
  merged = deepMerge(merged, overrides as Record<string, unknown>);
  const options: ResolveOptions = { definedIn, baseDir, location: at };
  if (raw.cloud) options.cloudName = raw.cloud;
  const config = toCloudConfig(label, merged, options);
  config.timeoutMs = settings.timeoutMs;
  config.deadlineMs = settings.http.deadlineMs;
  config.maxResponseBytes = settings.http.maxResponseBytes;
  return config;
}

interface ResolveOptions {
  definedIn: string;
  cloudName?: string;
  baseDir: string;
  location?: SourceLocation;
}

function toCloudConfig(label: string, entry: Record<string, unknown>, options: ResolveOptions): CloudConfig {
  const auth = stringRecord(entry['auth']) as Partial<AuthOptions>;
  const fail = (message: string, hint: string): never => {
    throw new PumphouseError('PH1108', `${label} cloud: ${message}`, {
      hint: `${hint} (defined in ${options.definedIn})`,
      ...(options.location ? { location: options.location } : {}),
    });
  };
  if (!auth.auth_url) fail('no auth.auth_url', 'set auth_url to the Keystone v3 URL, e.g. https://keystone.example.com:5000/v3');
  const authType = inferAuthType(entry['auth_type'], auth);
  const interfaceName = (entry['interface'] ?? 'public') as EndpointInterface;
  if (!['public', 'internal', 'admin'].includes(interfaceName)) fail(`interface "${String(interfaceName)}" is not public, internal or admin`, 'fix interface');
  if (authType === 'password' || authType === 'v3password') {
    if (!auth.username && !auth.user_id) fail('password auth needs auth.username or auth.user_id', 'add the user');
    if (!auth.password) fail('password auth needs auth.password', 'put the password in secure.yaml or reference it as ${ENV_VAR}');
  } else if (authType === 'v3applicationcredential' || authType === 'application_credential') {
    if (!auth.application_credential_id && !auth.application_credential_name) fail('application credential auth needs application_credential_id (or _name with username)', 'add it');
    if (!auth.application_credential_secret) fail('application credential auth needs application_credential_secret', 'reference it as ${ENV_VAR}');
  } else if (!auth.token) {
    fail('token auth needs auth.token', 'reference the token as ${ENV_VAR}');
  }
  const config: CloudConfig = {
    label,
    definedIn: options.definedIn,
    auth_type: authType,
    auth: auth as AuthOptions,
    interface: interfaceName,
    verify: entry['verify'] === false || entry['insecure'] === true ? false : true,
  };
  if (options.cloudName) config.cloudName = options.cloudName;
  if (typeof entry['region_name'] === 'string') config.region_name = entry['region_name'];
  if (typeof entry['cacert'] === 'string') {
    config.cacert = isAbsolute(entry['cacert']) ? entry['cacert'] : resolve(options.baseDir, entry['cacert']);
  }
  return config;
}

function inferAuthType(declared: unknown, auth: Partial<AuthOptions>): AuthType {
  if (typeof declared === 'string') {
    const known: AuthType[] = ['password', 'v3password', 'token', 'v3token', 'v3applicationcredential', 'application_credential'];
    if (known.includes(declared as AuthType)) return declared as AuthType;
    throw new PumphouseError('PH1109', `auth_type "${declared}" is not supported`, { hint: `use one of ${known.join(', ')}` });
  }
  if (auth.application_credential_secret) return 'v3applicationcredential';
  if (auth.token && !auth.password) return 'token';
  return 'password';
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}
