/**
 * The registry of every PH code Pumphouse emits: what kind of problem it names, what it means,
 * the HTTP status an API answer with it carries, the CLI's exit code when it ends a command, and
 * whether another attempt of the same work may succeed. The CLI, the API and the state file read
 * it; `PhCode` is the union of its keys, so `tsc` refuses a code that is not here. The README's
 * error table is generated from it (`npm run docs:errors`) and a unit test keeps the two equal.
 *
 * Codes are stable: operators and tests match on them, so never renumber one; add a new one.
 * Families: PH0xxx the CLI itself, PH11xx pumphouse.yaml, PH12xx clouds.yaml, PH13xx plan files,
 * PH14xx resolution and the diff, PH15xx the step graph, PH16xx apply and its steps, PH17xx the
 * state file, PH18xx BMCs, PH19xx Fuel, PH2xxx the OpenStack client, PH3xxx discovery, PH4xxx the
 * API.
 */

/** error: the work stops; warning: it goes on and says so; conflict: the plan cannot apply until it is resolved; internal: a bug. */
export type ProblemKind = 'error' | 'warning' | 'conflict' | 'internal';

export interface CodeInfo {
  kind: ProblemKind;
  /** One line for the README's table. */
  meaning: string;
  /** The status of an API answer whose error has this code (warnings ride in successful answers: 200). */
  http: number;
  /** The CLI's exit code when this error ends a command (warnings do not end one: 0). */
  exit: number;
  /** Whether another attempt may succeed; an error may say otherwise for itself (an HTTP 503 is, a 400 is not). */
  retryable: boolean;
}

/** HTTP statuses by what they say about an error, so entries read as intent. */
const BAD_REQUEST = 400;
const CONFLICT = 409;
const BAD_GATEWAY = 502;
const SERVER = 500;

function error(meaning: string, http = SERVER, retryable = false): CodeInfo {
  return { kind: 'error', meaning, http, exit: 1, retryable };
}
function warning(meaning: string): CodeInfo {
  return { kind: 'warning', meaning, http: 200, exit: 0, retryable: false };
}
function conflict(meaning: string, http = BAD_REQUEST): CodeInfo {
  return { kind: 'conflict', meaning, http, exit: 1, retryable: false };
}
function internal(meaning: string, http = SERVER): CodeInfo {
  return { kind: 'internal', meaning, http, exit: 1, retryable: false };
}

const CLI = {
  PH0001: internal('a bug in Pumphouse: run again with `--debug` and report the output'),
  PH0002: error('the command line: an unknown command or flag, or a missing argument', BAD_REQUEST),
  PH0003: error('flags that do not go together, or a command without the names it needs', BAD_REQUEST),
  PH0004: error('a flag with a value out of range or in the wrong form', BAD_REQUEST),
  PH0005: error("the sandbox's ports on 127.0.0.1 are in use"),
} as const;

const CONFIG = {
  PH1101: error('the config file (pumphouse.yaml) cannot be read'),
  PH1102: error('the config file is not text or is too big'),
  PH1103: error('the config file is not valid YAML'),
  PH1104: error('a malformed `${ENV}` reference'),
  PH1105: error('an environment variable a `${ENV}` reference names is not set'),
  PH1106: error('the config file is not a mapping with `source` and `target`'),
  PH1107: error('the config file does not match its schema'),
  PH1108: error('a cloud in the config lacks what its auth type needs'),
  PH1109: error('an auth type Pumphouse does not support'),
  PH1201: error('clouds.yaml or secure.yaml cannot be read'),
  PH1202: error('clouds.yaml or secure.yaml is not text or is too big'),
  PH1203: error('clouds.yaml or secure.yaml is not valid YAML'),
  PH1210: error('the `clouds_file` the config names does not exist'),
  PH1211: error('a cloud is named, but no clouds.yaml was found'),
  PH1212: error('no such cloud in clouds.yaml'),
  PH1213: error('clouds.yaml does not match its schema'),
  PH1214: error('clouds.yaml has no `clouds:` section'),
} as const;

const PLAN_FILE = {
  PH1301: error('a plan file cannot be read', BAD_REQUEST),
  PH1302: error('a plan file is not text or is too big', BAD_REQUEST),
  PH1303: error('a plan file is not valid YAML', BAD_REQUEST),
  PH1304: error('a plan file does not match the schema (an unknown key says what it may have meant)', BAD_REQUEST),
  PH1305: error('a plan file is not a mapping', BAD_REQUEST),
  PH1320: error('the plan does nothing', BAD_REQUEST),
  PH1321: error('a project is named twice', BAD_REQUEST),
  PH1322: error('a host is named twice', BAD_REQUEST),
  PH1323: error('a workload is named twice', BAD_REQUEST),
  PH1324: error('an empty selector', BAD_REQUEST),
  PH1326: warning('`fuel` settings on a host that is not upgraded have no effect'),
  PH1327: error("a host's Fuel template is the host itself", BAD_REQUEST),
  PH1328: error('a host evacuates to a host this plan takes out of service', BAD_REQUEST),
  PH1329: error('a host evacuates to itself', BAD_REQUEST),
  PH1330: warning('a moving setting on a host whose servers do not move has no effect'),
  PH1331: warning('`"*"` in identity selects every project'),
  PH1332: error('`destination` on a host whose servers go to the target', BAD_REQUEST),
  PH1333: warning('a map entry maps a name to itself'),
  PH1334: error('`evacuate: target` on a host that only goes into maintenance', BAD_REQUEST),
  PH1335: warning('a passwords file in a plan that creates no users'),
  PH1336: error('the passwords file is the plan file itself', BAD_REQUEST),
  PH1337: error('a fixed Fuel layout together with a template', BAD_REQUEST),
  PH1338: error('a fixed Fuel layout that contradicts itself', BAD_REQUEST),
  PH1339: warning('`abandon` on a host that stays has no effect'),
  PH1399: error('`plan` was given a plan file with errors (they are printed above it)', BAD_REQUEST),
} as const;

const RESOLUTION = {
  PH1401: error('a selector matches nothing', BAD_REQUEST),
  PH1402: error('a selector matches more than one object', BAD_REQUEST),
  PH1403: error('a server is selected twice', BAD_REQUEST),
  PH1404: warning("a named volume's server stays on the source"),
  PH1410: error('a host in `spec.hosts` is not a host of the source', BAD_REQUEST),
  PH1411: error("taking the source's last controller while it holds workloads the plan neither moves nor abandons", BAD_REQUEST),
  PH1412: conflict("a server leaving a host has nowhere to go that keeps its server group's rule and has room"),
  PH1413: warning("a state id mapping points at an object that is not that source object's copy: ignored"),
  PH1420: warning('`spec.maps.flavors` maps a flavor to a target flavor that differs from it'),
  PH1440: error('no source (or target) cloud: no `pumphouse.yaml`, and neither `OS_CLOUD`/`--source-cloud` nor `--target-cloud` names it', BAD_REQUEST),
  PH1470: error('a warm cutover found no built pre-copy to cut over to; the source was not touched'),
  PH1471: error('a warm pre-copy is not built and stopped on the target after its step'),
  PH1472: error('a warm pre-copy went to ERROR on the target: removed, the pre-copy starts again', SERVER, true),
  PH1473: warning('a floating IP a failed warm cutover could not give back to the source'),
  PH1474: error('a source server to pre-copy is neither ACTIVE nor SHUTOFF'),
  PH1475: error("a warm copy's port did not take the source's admin state at the cutover; the copy was not started", SERVER, true),
  PH1476: warning("a port of a failed warm cutover's copy could not be set admin-down again"),
} as const;

const GRAPH = {
  PH1501: internal('the step graph has a cycle'),
  PH1502: error('a `--target` or `--exclude` address that is not in the plan'),
  PH1503: internal('a step depends on a step that is not in the plan'),
} as const;

const APPLY = {
  PH1601: error('the plan is not applyable: conflicts, errors or failed pre-flight checks', BAD_REQUEST),
  PH1602: error('a saved plan is stale: objects it changes are different since it was made', CONFLICT),
  PH1603: error('not a saved plan (of this Pumphouse version)'),
  PH1604: error('the state file belongs to other clouds'),
  PH1605: error('apply asks for approval, but there is no terminal to ask'),
  PH1606: error('approval refused: nothing was changed'),
  PH1607: error('a passwords file that cannot be read, is a symbolic link or sits in a world-writable folder without the sticky bit'),
  PH1608: internal('a temporary recorded in the state that Pumphouse cannot read'),
  PH1609: warning('a user on the target whose password is not in the passwords file'),
  PH1610: error('a step this build or the target cannot carry out (not supported yet)'),
  PH1615: error('another apply holds the target'),
  PH1616: warning("a silent holder's apply lease of the target was taken over"),
  PH1620: error('a source object the step copies is gone'),
  PH1621: error('an object the step needs has no counterpart on the target'),
  PH1622: error('the target has no `admin` role to grant Pumphouse'),
  PH1623: error('a grant that is not a user grant on a project or domain cannot be copied'),
  PH1624: warning("Pumphouse's temporary admin role could not be revoked (`pumphouse cleanup` revokes it)"),
  PH1625: warning("the target refused the login of a server's owner, so Pumphouse's user boots and owns the copy"),
  PH1626: error("a port's fixed IP is held on the target"),
  PH1627: warning("a port's MAC was taken since the plan, so its copy gets a new one with the same fixed IPs"),
  PH1628: warning("a volume copy keeps Cinder's record of the transfer image"),
  PH1630: error('an object went to an error status while a step waited for it'),
  PH1631: error('an object is still in a transitional status after the wait'),
  PH1632: error('the copy read back after the step differs from the source (each field with both values)'),
  PH1633: error('the copy is not on the target after the step'),
  PH1640: error('a source image has no data to copy'),
  PH1641: error('the bytes read from the source image are not as many as its recorded size', SERVER, true),
  PH1642: error('an image copy went to a bad status: removed, the copy starts again', SERVER, true),
  PH1643: error('an image copy has other hashes than the source recorded: removed, the copy starts again', SERVER, true),
  PH1650: error("a server's image is gone from the source, so it cannot be rebuilt"),
  PH1651: error("a server's flavor has no counterpart on the target"),
  PH1652: error("a server's copy went to ERROR: removed, the boot starts again", SERVER, true),
  PH1660: error('no nova-compute on the source host'),
  PH1661: error('servers are still on the host'),
  PH1662: error('a migration failed or was rolled back'),
  PH1663: error('no `fuel` in pumphouse.yaml'),
  PH1664: error('no `pxe_macs` for a BMC-managed host'),
  PH1665: error('the host never registered (again) in Fuel'),
  PH1666: error('a Fuel task of a host step failed'),
  PH1667: error('no template node'),
  PH1668: error('the node never served the target'),
  PH1669: error('the node is in another Fuel environment'),
  PH1670: error("the source's Fuel environment has other pending changes"),
  PH1671: error("a Fuel-managed host's node is not in the source environment"),
  PH1672: error('`evacuate` would leave a server with nowhere to go, so nothing is forced down'),
  PH1680: error('the plan has no host change for a host step: re-plan'),
  PH1681: error('a source server is not ACTIVE or SHUTOFF, so it cannot move yet', SERVER, true),
  PH1682: error('skipped: a step it needs failed'),
  PH1683: error('stopped by the operator before the step finished'),
  PH1684: error('after the step, the copy on the target is not as the step leaves it (status, mark or limits)'),
  PH1685: error('after a host step, the host is not as the step leaves it'),
  PH1686: internal('a password was generated for a plan that names no passwords file'),
} as const;

const PREFLIGHT = {
  PH1760: conflict('pre-flight: the target lacks the vCPUs, RAM or disk the moving servers need'),
  PH1761: warning('pre-flight: the moving servers overcommit the target\'s vCPUs'),
  PH1762: conflict('pre-flight: a target quota (as the plan sets it) is too low for the moving servers'),
  PH1763: conflict('pre-flight: availability zones of the moving servers and volumes do not exist on the target'),
  PH1764: conflict('pre-flight: volume types of the moving volumes do not exist on the target'),
  PH1765: warning("pre-flight: the target's Nova cannot set server tags at boot (they are added after it)"),
  PH1766: conflict("pre-flight: a host's Fuel template node is not a node of the target"),
} as const;

const STATE = {
  PH1701: error('the state file cannot be read'),
  PH1702: error('the state file is not JSON'),
  PH1703: error('the state file is from a newer Pumphouse'),
  PH1704: error('the file is not a Pumphouse state'),
  PH1705: warning('a stale lock left by a process that died was taken over'),
  PH1706: error('no state file'),
  PH1707: error('a write refused because the state would hold a secret'),
  PH1708: error('a write that failed, or a folder Pumphouse cannot write to'),
  PH1709: error('a state file that is a symbolic link or in a world-writable folder without the sticky bit'),
  PH1710: error('the state file is locked by another process', CONFLICT),
  PH1711: error('`state unlock` without `--force`'),
  PH1712: error('the lock of the state file is contended', CONFLICT),
} as const;

const HARDWARE = {
  PH1801: error('a BMC refused the credentials', BAD_GATEWAY),
  PH1802: error('a BMC did not answer within the timeout', BAD_GATEWAY),
  PH1803: error('a BMC does not offer the configured cipher suite', BAD_GATEWAY),
  PH1804: error('a BMC refused or failed a command', BAD_GATEWAY),
  PH1805: error('`ipmitool` is not installed', BAD_GATEWAY),
  PH1806: error('no BMC in pumphouse.yaml for the host', BAD_GATEWAY),
} as const;

const FUEL = {
  PH1901: error("Fuel's keystone refused the credentials", BAD_GATEWAY),
  PH1902: error('Fuel: no such cluster, node, task or release (404)', BAD_GATEWAY),
  PH1903: error('Fuel: a name or MAC is already taken (409)', BAD_GATEWAY, true),
  PH1904: error('Fuel rejected the request as invalid (400)', BAD_GATEWAY),
  PH1905: error('Fuel does not allow this now (403)', BAD_GATEWAY),
  PH1906: error('the Fuel master failed (5xx)', BAD_GATEWAY, true),
  PH1907: error('the Fuel master did not answer', BAD_GATEWAY),
  PH1908: error('a Fuel task ended in error', BAD_GATEWAY),
  PH1909: error('no Fuel environment has the configured name', BAD_GATEWAY),
  PH1910: error('an answer from Fuel Pumphouse cannot read', BAD_GATEWAY),
  PH1911: error('reference and target node layouts do not match', BAD_GATEWAY),
  PH1912: error('a wait for a Fuel task or node timed out', BAD_GATEWAY),
  PH1913: error("a plan's fixed layout does not fit the node", BAD_GATEWAY),
} as const;

const OPENSTACK = {
  PH2001: warning('TLS verification is off for a cloud (`verify: false`)'),
  PH2002: error('the CA bundle (`cacert`) cannot be read', BAD_GATEWAY),
  PH2010: error('a cloud endpoint refused the connection', BAD_GATEWAY, true),
  PH2011: error("a cloud endpoint's host name was not found", BAD_GATEWAY),
  PH2012: error('no answer in time (`settings.timeout_seconds` per attempt, `settings.http.deadline_seconds` per call)', BAD_GATEWAY, true),
  PH2013: error('the TLS handshake with a cloud failed', BAD_GATEWAY),
  PH2014: error('the connection to a cloud failed or was reset', BAD_GATEWAY, true),
  PH2100: error('a cloud API call answered with a status it should not (5xx, 429 and 409 are retried)', BAD_GATEWAY),
  PH2101: error('Keystone refused the credentials', BAD_GATEWAY),
  PH2102: error("a cloud's auth settings are incomplete", BAD_GATEWAY),
  PH2110: error('a service is not in the catalog', BAD_GATEWAY),
  PH2111: error("no endpoint of the service's interface and region in the catalog", BAD_GATEWAY),
  PH2120: error("a service's version discovery failed", BAD_GATEWAY),
  PH2121: error('the cloud does not offer a microversion Pumphouse needs', BAD_GATEWAY),
  PH2130: error('paging looped (the same page twice)', BAD_GATEWAY),
  PH2131: error('an answer Pumphouse cannot read', BAD_GATEWAY),
  PH2132: error('an answer larger than `settings.http.max_response_bytes`', BAD_GATEWAY),
} as const;

const DISCOVERY = {
  PH3001: error('not a resource address (`kind:project/name`)'),
  PH3101: error('a collector could not read its kind completely'),
  PH3102: error('a collector could not run: one it needs failed'),
} as const;

const API = {
  PH4001: error('the API: no or a wrong bearer token', 401),
  PH4002: error('the API: no such route or object', 404),
  PH4003: error('the API: method not allowed', 405),
  PH4004: error('the API: wrong content type', 415),
  PH4005: error('the API: request body too large', 413),
  PH4006: error('the API: a bad request, e.g. a malformed `%` escape in the path', BAD_REQUEST),
  PH4007: error('the API: another apply is running', CONFLICT),
  PH4010: error('`serve` without a token, or `--no-token` beyond loopback'),
  PH4011: error('a bad `--listen`'),
  PH4012: error('the API: a Host header that is not the server', 403),
  PH4013: error('the API: a state-changing request from a foreign Origin', 403),
  PH4014: error("the API: a posted plan names a file outside the server's folder", BAD_REQUEST),
  PH4030: error('`serve --maps-from`: the plan file has errors'),
  PH4099: internal('the API: an internal error (logged by `serve`)'),
} as const;

export const CODES = {
  ...CLI,
  ...CONFIG,
  ...PLAN_FILE,
  ...RESOLUTION,
  ...GRAPH,
  ...APPLY,
  ...PREFLIGHT,
  ...STATE,
  ...HARDWARE,
  ...FUEL,
  ...OPENSTACK,
  ...DISCOVERY,
  ...API,
} as const;

/** A registered code: `tsc` refuses any other literal where a PhCode is expected. */
export type PhCode = keyof typeof CODES;

export function isPhCode(value: unknown): value is PhCode {
  return typeof value === 'string' && Object.hasOwn(CODES, value);
}

/** The status of an API answer whose error has `code`. */
export function httpStatusOf(code: PhCode): number {
  return CODES[code].http;
}

/** The CLI's exit code when an error with `code` ends a command. */
export function exitCodeOf(code: PhCode): number {
  return CODES[code].exit;
}
