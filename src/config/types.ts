
/**
 * A cloud's connection settings after clouds.yaml, secure.yaml, pumphouse.yaml and the
 * environment have been merged and ${ENV} references expanded. Field names follow clouds.yaml
 * (openstacksdk) so operators recognise them.
 *
 * Invariant: `auth.password`, `auth.application_credential_secret` and `auth.token` are secrets.
 * Nothing may log, emit or serialise a CloudConfig whole; use `describeCloud()`.
 */
export type AuthType = 'password' | 'v3password' | 'token' | 'v3token' | 'v3applicationcredential' | 'application_credential';

export interface AuthOptions {
  auth_url: string;
  username?: string;
  user_id?: string;
  password?: string;
  user_domain_name?: string;
  user_domain_id?: string;
  project_name?: string;
  project_id?: string;
  project_domain_name?: string;
  project_domain_id?: string;
  domain_name?: string;
  domain_id?: string;
  token?: string;
  application_credential_id?: string;
  application_credential_name?: string;
  application_credential_secret?: string;
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface CloudConfig {
  /** The role this cloud plays in the migration, or the clouds.yaml name when standalone. */
  label: string;
  /** The clouds.yaml entry it came from, if any. */
  cloudName?: string;
  /** Which file (and where) this cloud was defined, for error messages. */
  definedIn?: string;
  auth_type: AuthType;
  auth: AuthOptions;
  region_name?: string;
  interface: EndpointInterface;
  /** Path to a PEM CA bundle used instead of the system store for this cloud only. */
  cacert?: string;
  /** false disables TLS verification (warned loudly on every run). */
  verify: boolean;
  /** Per attempt of a request, in milliseconds. @default 60000 */
  timeoutMs?: number;
  /** Per call, every attempt and backoff included. @default twice timeoutMs */
  deadlineMs?: number;
  /** Largest answer read into memory (image data is streamed, exempt). @default 64 MiB */
  maxResponseBytes?: number;
}

/** pumphouse.yaml `settings.http`: what an HTTP peer (cloud, Fuel, BMC) can make Pumphouse hold or wait for. */
export interface HttpLimits {
  /** Largest answer read into memory; streamed image data is exempt. */
  maxResponseBytes: number;
  /** Per call, every attempt and backoff included. */
  deadlineMs: number;
}

/** A one-line description of a cloud with no secret in it. */
export function describeCloud(cloud: CloudConfig): string {
  const who = cloud.auth.username ?? cloud.auth.user_id ?? cloud.auth.application_credential_id ?? cloud.auth.application_credential_name ?? 'token';
  const name = cloud.cloudName ? ` (clouds.yaml: ${cloud.cloudName})` : '';
  return `${cloud.label}${name} ${cloud.auth.auth_url} as ${who}`;
}

/** The Fuel master that deploys the target (pumphouse.yaml `fuel`). `password` is a secret. */
export interface FuelConfig {
  url: string;
  username: string;
  password: string;
  /** The target's Fuel environment (cluster) name. */
  environment: string;
  /** The source cloud's own Fuel environment, when Fuel manages (some of) its hosts. */
  sourceEnvironment?: string;
  verify: boolean;
  /** Per attempt of a request. @default 60000 */
  timeoutMs?: number;
  /** Per call, every attempt and backoff included. */
  deadlineMs?: number;
  /** Largest answer read into memory. */
  maxResponseBytes?: number;
}

/**
 * Who takes a source host out of the source cloud and into Fuel's bootstrap:
 *   bmc   its BMC sets PXE as the next boot and resets it (the host is not a Fuel node);
 *   fuel  the source is a Fuel environment: the node is unassigned and Fuel's deployment of that
 *         change wipes it and reboots it into the bootstrap (no BMC, no PXE MAC needed).
 */
export type HostManagement = 'bmc' | 'fuel';

/** One source host's hardware (pumphouse.yaml `hosts.<name>`). `bmc.password` is a secret. */
export interface HostHardware {
  name: string;
  management: HostManagement;
  /** Required for management `bmc` when the host is upgraded or released; absent for a Fuel-managed host. */
  bmc?: BmcSpec;
  /** MACs the host PXE-boots from (how a BMC-managed host is found in Fuel); optional for a Fuel-managed one. */
  pxeMacs: string[];
}

export type BmcDriverName = 'ipmitool' | 'redfish';

/** One host's BMC as pumphouse.yaml describes it, the password already resolved from ${ENV}. */
export interface BmcSpec {
  driver: BmcDriverName;
  /** Host name or IP of the BMC. */
  address: string;
  /** ipmitool: UDP port (default 623). redfish: TCP port (default 443, or 80 for http://). */
  port?: number;
  username: string;
  /** A secret: never logged, never in argv, never in an error. */
  password: string;
  /** ipmitool only: the RMCP+ cipher suite (-C). @default 3 */
  cipherSuite?: number;
  /** redfish only: `https` (default) or `http`. */
  scheme?: 'https' | 'http';
  /** redfish only: verify the BMC's TLS certificate. @default true */
  verifyTls?: boolean;
  /** Per call, including retries. @default 20000 */
  timeoutMs?: number;
  /** redfish only: the largest answer read into memory (settings.http.max_response_bytes). @default 64 MiB */
  maxResponseBytes?: number;
}
