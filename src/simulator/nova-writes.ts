/**
 * Nova writes other than servers: flavors (with extra specs and access lists), keypairs, quota
 * sets and server groups. Status codes, bodies and messages follow Zed's nova/api/openstack/compute
 * controllers (checked against the testbed where noted in SPEC.md).
 *
 * Policy (Zed defaults, simplified as the read side): flavor, extra-spec, access and quota writes
 * need the admin role; keypairs belong to the caller's user (admin may name another `user_id`);
 * server groups are created in the token's project.
 *
 * Renderers come from nova.ts, which imports these handlers back for its router: an import cycle
 * that is safe because both sides only use each other's function declarations at call time.
 */
import { randomUUID } from 'node:crypto';
import { json, type SimResponse } from './http.js';
import { atLeast } from './microversion.js';
import {
  boolParam, checkName, envelope, forbidden, intParam, invalidInput, isObject, isRefusal, missingProperty, noContent, novaError, pyRepr,
  unexpectedProperty, type Call, type JsonObject,
} from './nova-common.js';
import { generateRsaKeypair, sshFingerprint, x509Fingerprint } from './nova-keys.js';
import { quotaKeys, renderFlavor, renderServerGroup } from './nova.js';
import type { Flavor, Keypair, QuotaDefaults, ServerGroup } from './store.js';

// ---- flavors --------------------------------------------------------------------------------------

const FLAVOR_ID_PATTERN = /^(?! )[a-zA-Z0-9. _-]+(?<! )$/;
/** SQL_SP_FLOAT_MAX in nova/db/constants.py. */
const MAX_RXTX_FACTOR = 3.40282e38;

function flavorOf(call: Call): Flavor | SimResponse {
  const id = call.req.params['id'] ?? '';
  return call.store.flavors.get(id) ?? novaError(404, `Flavor ${id} could not be found.`);
}

/** POST /flavors → 200 (Nova never switched it to 201). */
export function createFlavor(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-manage:create');
  const body = envelope(call, 'flavor');
  if (isRefusal(body)) return body;
  const withDescription = atLeast(call.v, 2, 55);
  const allowed = ['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public', ...(withDescription ? ['description'] : [])];
  const shapeError = missingProperty('flavor', body, ['name', 'ram', 'vcpus', 'disk']) ?? unexpectedProperty('flavor', body, allowed) ?? checkName('name', body['name']);
  if (shapeError) return shapeError;
  const rawId = body['id'];
  if (rawId !== undefined && rawId !== null) {
    const text = String(rawId);
    if (typeof rawId !== 'string' && typeof rawId !== 'number') return invalidInput('id', rawId, `${pyRepr(rawId)} is not of type 'string', 'number', 'null'`);
    if (text.length > 255 || !FLAVOR_ID_PATTERN.test(text)) return invalidInput('id', rawId, `${pyRepr(rawId)} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
  }
  const numbers: Record<string, number> = {};
  for (const [key, min] of [['ram', 1], ['vcpus', 1], ['disk', 0], ['OS-FLV-EXT-DATA:ephemeral', 0], ['swap', 0]] as const) {
    const n = body[key] === undefined ? 0 : intParam(key, body[key], min);
    if (isRefusal(n)) return n;
    numbers[key] = n;
  }
  const rxtx = body['rxtx_factor'] === undefined ? 1.0 : Number(body['rxtx_factor']);
  if (!(rxtx > 0 && rxtx <= MAX_RXTX_FACTOR)) return invalidInput('rxtx_factor', body['rxtx_factor'], `${pyRepr(body['rxtx_factor'])} is less than or equal to the minimum of 0`);
  const isPublic = body['os-flavor-access:is_public'] === undefined ? true : boolParam('os-flavor-access:is_public', body['os-flavor-access:is_public']);
  if (isRefusal(isPublic)) return isPublic;
  const description = withDescription ? body['description'] ?? null : null;
  if (description !== null && (typeof description !== 'string' || description.length > 65535)) {
    return invalidInput('description', description, `${pyRepr(description)} is not of type 'string', 'null'`);
  }
  const name = (body['name'] as string).trim();
  // Only null or a missing id is generated: the string "auto" is a literal id in the API
  // (python-novaclient translates "auto" to null before sending; the testbed stores "auto").
  const id = rawId === undefined || rawId === null ? randomUUID() : String(rawId);
  if (call.store.flavors.get(id)) return novaError(409, `Flavor with ID ${id} already exists.`);
  if (call.store.flavors.by('name', name).length > 0) return novaError(409, `Flavor with name ${name} already exists.`);
  const flavor = call.store.flavors.insert({
    id, name, vcpus: numbers['vcpus'] ?? 1, ramMb: numbers['ram'] ?? 1, diskGb: numbers['disk'] ?? 0,
    ephemeralGb: numbers['OS-FLV-EXT-DATA:ephemeral'] ?? 0, swapMb: numbers['swap'] ?? 0, isPublic, disabled: false, rxtxFactor: rxtx,
    description: description as string | null, extraSpecs: {}, accessProjectIds: [],
  });
  return json(200, { flavor: renderFlavor(call, flavor, true) });
}

/** PUT /flavors/{id} (2.55+): only the description changes. */
export function updateFlavor(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-manage:update');
  const body = envelope(call, 'flavor');
  if (isRefusal(body)) return body;
  const shapeError = missingProperty('flavor', body, ['description']) ?? unexpectedProperty('flavor', body, ['description']);
  if (shapeError) return shapeError;
  const description = body['description'];
  if (description !== null && typeof description !== 'string') return invalidInput('description', description, `${pyRepr(description)} is not of type 'string', 'null'`);
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  flavor.description = description;
  return json(200, { flavor: renderFlavor(call, flavor, true) });
}

/** DELETE /flavors/{id} → 202. Servers keep the flavor they were built with (embedded copy). */
export function deleteFlavor(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-manage:delete');
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  call.store.flavors.delete(flavor.id);
  return noContent(202);
}

/** Extra-spec values: strings, or numbers Nova stringifies (at most 255 characters either way). */
function specValues(specs: JsonObject): Record<string, string> | SimResponse {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(specs)) {
    if (key.length < 1 || key.length > 255 || !/^[a-zA-Z0-9-_:. ]+$/.test(key)) return invalidInput('extra_specs', specs, `${pyRepr(key)} does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof value !== 'string' && typeof value !== 'number') return invalidInput(key, value, `${pyRepr(value)} is not of type 'string', 'number'`);
    const text = typeof value === 'number' ? String(value) : value;
    if (text.length > 255) return novaError(400, `extra_specs value has more than 255 characters.`);
    out[key] = text;
  }
  return out;
}

/** POST /flavors/{id}/os-extra_specs {extra_specs} → 200, merged; echoes the request. */
export function createExtraSpecs(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-extra-specs:create');
  const specs = envelope(call, 'extra_specs');
  if (isRefusal(specs)) return specs;
  const values = specValues(specs);
  if (isRefusal(values)) return values;
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  Object.assign(flavor.extraSpecs, values);
  return json(200, { extra_specs: specs });
}

/** PUT /flavors/{id}/os-extra_specs/{key} {key: value} → 200. */
export function updateExtraSpec(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-extra-specs:update');
  const body = call.req.body;
  if (!isObject(body)) return invalidInput('root', body ?? null, `${pyRepr(body ?? null)} is not of type 'object'`);
  const count = Object.keys(body).length;
  if (count !== 1) return invalidInput('root', body, `${pyRepr(body)} ${count === 0 ? 'does not have enough properties' : 'has too many properties'}`);
  const values = specValues(body);
  if (isRefusal(values)) return values;
  const key = call.req.params['key'] ?? '';
  if (!(key in body)) return novaError(400, 'Request body and URI mismatch');
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  Object.assign(flavor.extraSpecs, values);
  return json(200, body);
}

const noSuchSpec = (call: Call): SimResponse =>
  novaError(404, `Flavor ${call.req.params['id']} has no extra specs with key ${call.req.params['key']}.`);

export function showExtraSpec(call: Call): SimResponse {
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  const key = call.req.params['key'] ?? '';
  return key in flavor.extraSpecs ? json(200, { [key]: flavor.extraSpecs[key] }) : noSuchSpec(call);
}

/** DELETE /flavors/{id}/os-extra_specs/{key} → 200 with an empty body (as the testbed answers). */
export function deleteExtraSpec(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-flavor-extra-specs:delete');
  const flavor = flavorOf(call);
  if (isRefusal(flavor)) return flavor;
  const key = call.req.params['key'] ?? '';
  if (!(key in flavor.extraSpecs)) return noSuchSpec(call);
  delete flavor.extraSpecs[key];
  return { status: 200, headers: {} };
}

function accessList(flavor: Flavor): SimResponse {
  return json(200, { flavor_access: flavor.accessProjectIds.map((p) => ({ flavor_id: flavor.id, tenant_id: p })) });
}

/** POST /flavors/{id}/action: addTenantAccess / removeTenantAccess. */
export function flavorAction(call: Call): SimResponse {
  const body = call.req.body;
  const action = isObject(body) ? Object.keys(body)[0] : undefined;
  if (action !== 'addTenantAccess' && action !== 'removeTenantAccess') return novaError(400, `There is no such action: ${action ?? ''}`);
  const policy = action === 'addTenantAccess' ? 'add_tenant_access' : 'remove_tenant_access';
  if (!call.caller.isAdmin) return forbidden(`os_compute_api:os-flavor-access:${policy}`);
  const args = envelope(call, action);
  if (isRefusal(args)) return args;
  const shapeError = missingProperty(action, args, ['tenant']) ?? unexpectedProperty(action, args, ['tenant']);
  if (shapeError) return shapeError;
  const tenant = String(args['tenant']);
  const flavor = flavorOf(call);
  if (action === 'addTenantAccess') {
    // Nova asks Keystone first; an unknown project is a 400.
    if (!call.store.projects.get(tenant)) return novaError(400, `Project ID ${tenant} is not a valid project.`);
    if (isRefusal(flavor)) return flavor;
    if (atLeast(call.v, 2, 7) && flavor.isPublic) return novaError(409, 'Can not add access to a public flavor.');
    if (flavor.accessProjectIds.includes(tenant)) {
      return novaError(409, `Flavor access already exists for flavor ${flavor.id} and project ${tenant} combination.`);
    }
    flavor.accessProjectIds.push(tenant);
    return accessList(flavor);
  }
  if (isRefusal(flavor)) return flavor;
  const at = flavor.accessProjectIds.indexOf(tenant);
  if (at < 0) return novaError(404, `Flavor access not found for ${flavor.id} / ${tenant} combination.`);
  flavor.accessProjectIds.splice(at, 1);
  return accessList(flavor);
}

// ---- keypairs -------------------------------------------------------------------------------------

/** Keypair names before 2.92 (`keypair_name_20`); 2.92 also allows `@` and `.`. */
const KEYPAIR_NAME_20 = /^[a-zA-Z0-9 _-]+$/;
const KEYPAIR_NAME_292 = /^[a-zA-Z0-9 _.@-]+$/;

/** POST /os-keypairs: import (public_key given) or generate (up to 2.91). 200 at 2.1, 201 from 2.2. */
export function createKeypair(call: Call): SimResponse {
  const body = envelope(call, 'keypair');
  if (isRefusal(body)) return body;
  const v = call.v;
  const allowed = ['name', 'public_key', ...(atLeast(v, 2, 2) ? ['type'] : []), ...(atLeast(v, 2, 10) ? ['user_id'] : [])];
  const required = atLeast(v, 2, 92) ? ['name', 'public_key'] : ['name'];
  const shapeError = missingProperty('keypair', body, required) ?? unexpectedProperty('keypair', body, allowed) ?? checkName('name', body['name']);
  if (shapeError) return shapeError;
  const name = body['name'] as string;
  const format = atLeast(v, 2, 92) ? 'keypair_name_292' : 'keypair_name_20';
  if (!(atLeast(v, 2, 92) ? KEYPAIR_NAME_292 : KEYPAIR_NAME_20).test(name)) return invalidInput('name', name, `${pyRepr(name)} is not a '${format}'`);
  const type = body['type'] ?? 'ssh';
  if (type !== 'ssh' && type !== 'x509') return invalidInput('type', type, `${pyRepr(type)} is not one of ['ssh', 'x509']`);
  if (body['public_key'] !== undefined && typeof body['public_key'] !== 'string') {
    return invalidInput('public_key', body['public_key'], `${pyRepr(body['public_key'])} is not of type 'string'`);
  }
  const userId = typeof body['user_id'] === 'string' ? body['user_id'] : call.caller.token.userId;
  if (userId !== call.caller.token.userId && !call.caller.isAdmin) return forbidden('os_compute_api:os-keypairs:create');

  const owned = call.store.keypairs.by('user', userId);
  const limit = call.store.quotaFor('compute', call.caller.projectId ?? '')['key_pairs'] ?? -1;
  if (limit >= 0 && owned.length >= limit) return novaError(403, 'Quota exceeded, too many key pairs.');
  if (owned.some((k) => k.name === name)) return novaError(409, `Key pair '${name}' already exists.`);

  let publicKey: string;
  let fingerprint: string | undefined;
  let privateKey: string | undefined;
  if (typeof body['public_key'] === 'string') {
    publicKey = body['public_key'];
    fingerprint = type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
    if (!fingerprint) return novaError(400, `Keypair data is invalid: failed to generate ${type === 'x509' ? 'X509 ' : ''}fingerprint`);
  } else {
    // FIXME(x509): Nova generates a self-signed certificate for type x509; the simulator does not.
    if (type === 'x509') return novaError(400, 'Keypair data is invalid: the simulator does not generate x509 keypairs; import one with public_key');
    ({ publicKey, privateKey, fingerprint } = generateRsaKeypair());
  }
  const keypair: Keypair = call.store.keypairs.insert({ id: `${userId}/${name}`, name, userId, publicKey, fingerprint, type, createdAt: Date.now() });
  const rendered: Record<string, unknown> = { name: keypair.name, public_key: keypair.publicKey, fingerprint: keypair.fingerprint, user_id: keypair.userId };
  if (atLeast(v, 2, 2)) rendered['type'] = keypair.type;
  if (privateKey !== undefined) rendered['private_key'] = privateKey;
  return json(atLeast(v, 2, 2) ? 201 : 200, { keypair: rendered });
}

/** DELETE /os-keypairs/{name}[?user_id=] → 202 at 2.1, 204 from 2.2. */
export function deleteKeypair(call: Call): SimResponse {
  const wanted = atLeast(call.v, 2, 10) ? call.req.query.get('user_id') : null;
  const userId = wanted ?? call.caller.token.userId;
  if (userId !== call.caller.token.userId && !call.caller.isAdmin) return forbidden('os_compute_api:os-keypairs:delete');
  const name = call.req.params['name'] ?? '';
  const keypair = call.store.keypairs.by('user', userId).find((k) => k.name === name);
  if (!keypair) return novaError(404, `Keypair ${name} not found for user ${userId}`);
  call.store.keypairs.delete(keypair.id);
  return noContent(atLeast(call.v, 2, 2) ? 204 : 202);
}

// ---- quota sets -----------------------------------------------------------------------------------

const QUOTA_KEYS_2_1 = [
  'instances', 'cores', 'ram', 'floating_ips', 'fixed_ips', 'metadata_items', 'key_pairs', 'security_groups', 'security_group_rules',
  'injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes', 'server_groups', 'server_group_members', 'networks',
];
const GONE_AT_2_36 = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules', 'networks'];
const GONE_AT_2_57 = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

/** Quota keys that may not drop below what is in use (the rest count nothing project-wide). */
const COUNTED = ['instances', 'cores', 'ram', 'server_groups'];

function settableQuotaKeys(call: Call): string[] {
  return QUOTA_KEYS_2_1.filter((k) => !(atLeast(call.v, 2, 36) && GONE_AT_2_36.includes(k)) && !(atLeast(call.v, 2, 57) && GONE_AT_2_57.includes(k)));
}

/** PUT /os-quota-sets/{project} {quota_set} → 200 with the new limits (no `id`, as Nova). */
export function updateQuotaSet(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-quota-sets:update');
  const body = envelope(call, 'quota_set');
  if (isRefusal(body)) return body;
  const shapeError = unexpectedProperty('quota_set', body, [...settableQuotaKeys(call), 'force']);
  if (shapeError) return shapeError;
  const projectId = call.req.params['project'] ?? '';
  if (!call.store.projects.get(projectId)) return novaError(400, `Project ID ${projectId} is not a valid project.`);
  if ('networks' in body) return novaError(400, 'The networks quota has been removed');
  const force = body['force'] === undefined ? false : boolParam('force', body['force']);
  if (isRefusal(force)) return force;
  const used = call.store.quotaUsage('compute', projectId);
  const changes: Record<string, number> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'force' || raw === null || raw === '') continue;
    const value = intParam(key, raw, -1);
    if (isRefusal(value)) return value;
    const minimum = COUNTED.includes(key) ? used[key] ?? 0 : 0;
    if (!force && value !== -1 && value < minimum) {
      return novaError(400, `Quota limit ${value} for ${key} must be greater than or equal to already used and reserved ${minimum}.`);
    }
    changes[key] = value;
  }
  const current: Partial<QuotaDefaults> = call.store.quotas.get(projectId) ?? {};
  call.store.quotas.set(projectId, { ...current, compute: { ...(current.compute ?? {}), ...changes } });
  const limits = call.store.quotaFor('compute', projectId);
  return json(200, { quota_set: Object.fromEntries(quotaKeys(call, limits).map((k) => [k, limits[k]])) });
}

/** DELETE /os-quota-sets/{project} → 202: back to the defaults. */
export function revertQuotaSet(call: Call): SimResponse {
  if (!call.caller.isAdmin) return forbidden('os_compute_api:os-quota-sets:delete');
  const projectId = call.req.params['project'] ?? '';
  const current = call.store.quotas.get(projectId);
  if (current?.compute) {
    const { compute: _dropped, ...rest } = current;
    call.store.quotas.set(projectId, rest);
  }
  return noContent(202);
}

// ---- server groups --------------------------------------------------------------------------------

const POLICIES_2_1 = ['anti-affinity', 'affinity'];
const POLICIES_2_15 = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'];

/** POST /os-server-groups → 200, in the token's project and user. */
export function createServerGroup(call: Call): SimResponse {
  const body = envelope(call, 'server_group');
  if (isRefusal(body)) return body;
  const modern = atLeast(call.v, 2, 64);
  // jsonschema reports `required` before `additionalProperties` (the testbed's order).
  const shapeError = missingProperty('server_group', body, modern ? ['name', 'policy'] : ['name', 'policies'])
    ?? unexpectedProperty('server_group', body, modern ? ['name', 'policy', 'rules'] : ['name', 'policies']) ?? checkName('name', body['name']);
  if (shapeError) return shapeError;
  const choices = atLeast(call.v, 2, 15) ? POLICIES_2_15 : POLICIES_2_1;
  const enumText = `[${choices.map((c) => pyRepr(c)).join(', ')}]`;
  let policy: unknown;
  if (modern) {
    policy = body['policy'];
    if (typeof policy !== 'string' || !choices.includes(policy)) return invalidInput('policy', policy, `${pyRepr(policy)} is not one of ${enumText}`);
    const rules = body['rules'] ?? {};
    if (!isObject(rules)) return invalidInput('rules', rules, `${pyRepr(rules)} is not of type 'object'`);
    if (Object.keys(rules).length > 0 && policy !== 'anti-affinity') {
      return novaError(400, `Only anti-affinity policy supports rules.`);
    }
  } else {
    const policies = body['policies'];
    if (!Array.isArray(policies) || policies.length !== 1) return invalidInput('policies', policies, `${pyRepr(policies)} is not valid under any of the given schemas`);
    policy = policies[0];
    if (typeof policy !== 'string' || !choices.includes(policy)) return invalidInput('policies', policies, `${pyRepr(policy)} is not one of ${enumText}`);
  }
  const projectId = call.caller.projectId ?? '';
  const limit = call.store.quotaFor('compute', projectId)['server_groups'] ?? -1;
  if (limit >= 0 && call.store.serverGroups.by('project', projectId).length >= limit) return novaError(403, 'Quota exceeded, too many server groups.');
  const group = call.store.serverGroups.insert({
    id: randomUUID(), name: body['name'] as string, projectId, userId: call.caller.token.userId, policy: policy as ServerGroup['policy'], members: [],
  });
  return json(200, { server_group: renderServerGroup(call, group) });
}

/** DELETE /os-server-groups/{id} → 204 (own project, or admin). */
export function deleteServerGroup(call: Call): SimResponse {
  const id = call.req.params['id'] ?? '';
  const group = call.store.serverGroups.get(id);
  if (!group || (!call.caller.isAdmin && group.projectId !== call.caller.projectId)) return novaError(404, `Instance group ${id} could not be found.`);
  call.store.serverGroups.delete(id);
  return noContent(204);
}
