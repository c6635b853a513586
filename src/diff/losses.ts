import type { SourceGraph } from '../desired/closure.js';
import type { Maps, PasswordPolicy } from '../desired/model.js';
import type { SelectedResource } from '../desired/selection.js';
import { addressPath, formatAddress } from '../inventory/address.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { classify, MODELS } from '../model/index.js';

/**
 * "Will not survive the move": what an object loses on its way to the target, said plainly so a
 * reviewer sees it before approving. Only facts knowable from the inventories and the plan.
 */
export interface LossContext {
  graph: SourceGraph;
  maps: Maps;
  /** spec.identity.passwords, when identity moves. */
  passwords: PasswordPolicy | undefined;
  /** The target address a referenced source object has or will have; undefined if neither. */
  reference(address: string): string | undefined;
  /** Whether this plan creates the object (it is not on the target yet). */
  creates(address: string): boolean;
  /** The target address of the user apply runs as (`user:admin`), when the config names one. */
  applyUser?: string | undefined;
  /** Why a floating IP's address will not survive, if it will not (floating-address.ts). */
  floatingAddressLoss(fip: InventoryResource): string | undefined;
}

export function describeLosses(resource: InventoryResource, selected: SelectedResource, context: LossContext): string[] {
  return [...modelLosses(resource, context), ...kindLosses(resource, selected, context)];
}

/**
 * What the kind's model says cannot be carried, where this object has it: a `lost` attribute with
 * a value, and a weak reference to an object that is neither on the target nor in the plan.
 */
function modelLosses(resource: InventoryResource, context: LossContext): string[] {
  const losses: string[] = [];
  for (const { attribute, why } of classify(resource.kind).lost) {
    if (hasValue(resource.attributes[attribute])) losses.push(`${attribute}: ${why}`);
  }
  for (const [role, spec] of Object.entries(MODELS[resource.kind].references)) {
    if (spec.strength !== 'weak') continue;
    for (const address of refList(resource, role)) {
      if (context.reference(address) === undefined) losses.push(`${spec.why} ${address}: neither on the target nor moved by this plan, so the copy goes without it`);
    }
  }
  return losses;
}

function hasValue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function kindLosses(resource: InventoryResource, selected: SelectedResource, context: LossContext): string[] {
  switch (resource.kind) {
    case 'server':
      return serverLosses(resource, selected, context);
    case 'volume':
      return [...context.graph.snapshotsOf(resource.address).map((s) => `${s.address} is not copied (snapshots stay on the source)`), ...creatorLoss(resource, context)];
    case 'server-group':
      return creatorLoss(resource, context);
    case 'floating-ip': {
      const loss = context.floatingAddressLoss(resource);
      return loss ? [loss] : [];
    }
    case 'user':
      return context.passwords === 'reset'
        ? ['password: reset to a generated one, written to the passwords file (passwords: reset)']
        : [`password: not copied (${context.passwords === 'skip' ? 'passwords: skip' : 'no spec.identity'}); the user cannot log in until an admin sets one`];
    default:
      return [];
  }
}

/** Whether a server's loss is of data (its root or ephemeral disk, a volume left behind), not of a record. */
export function losesData(loss: string): boolean {
  return loss.startsWith('root disk data') || loss.startsWith('disk writes after the snapshot') || loss.startsWith('ephemeral disk') || loss.includes('stays on the source');
}

function serverLosses(server: InventoryResource, selected: SelectedResource, context: LossContext): string[] {
  const losses: string[] = [];
  const move = selected.move;
  if (!move) return losses;
  const a = server.attributes;
  const flavor = (a['flavor'] ?? {}) as { ephemeralGb?: number | null };
  const bootFromVolume = a['bootFromVolume'] === true;
  if (move.strategy === 'rebuild' && !bootFromVolume) {
    const image = refList(server, 'image')[0];
    losses.push(`root disk data: rebuilt from ${image ?? 'its original image'} (strategy: rebuild)`);
  } else if (move.strategy === 'snapshot' && !bootFromVolume) {
    const image = refList(server, 'image')[0];
    losses.push(`image: the copy boots from pumphouse-snapshot-${server.name}, the copy of its disk's snapshot${image ? `, not from ${image}` : ''}`);
  }
  if (move.cutover === 'warm') {
    losses.push(`disk writes after the snapshot (cutover: warm): the copy is built from snapshots of ${server.name} and its volumes taken while it runs; whatever it writes after them is lost`);
  }
  if ((flavor.ephemeralGb ?? 0) > 0) {
    losses.push(`ephemeral disk (${flavor.ephemeralGb} GB): recreated empty (no API copies it)`);
  }
  const moving = new Set(context.graph.movingVolumes(server, move.volumes));
  for (const volume of refList(server, 'volumes')) {
    if (!moving.has(volume)) losses.push(`${volume} stays on the source, detached from the copy (volumes: none)`);
  }
  const owner = ownerLoss(server, context);
  if (owner) losses.push(owner);
  return losses;
}

/**
 * Whoever boots a server owns it. Apply boots the copy as its owner when it set the owner's
 * password itself (passwords: reset, a user this plan creates, with a role on the project: see
 * src/migrate/owner-session.ts); otherwise as the user it runs as, who then owns the copy.
 */
function ownerLoss(server: InventoryResource, context: LossContext): string | undefined {
  const owner = refList(server, 'owner')[0];
  if (!owner) return undefined;
  const there = context.reference(owner);
  if (there === undefined) return undefined; // the weak reference's own loss says it
  if (there === context.applyUser) return undefined;
  const project = context.graph.lookup.projectAddressOf(server);
  const why = context.passwords !== 'reset'
    ? `Pumphouse sets no password for ${owner} (${context.passwords === 'skip' ? 'passwords: skip' : 'no spec.identity'}), so it cannot boot the copy as them`
    : !context.creates(owner)
      ? `${owner} is already on the target and Pumphouse does not know its password`
      : project && !context.graph.projectGrants(project).some((g) => refList(g, 'user').includes(owner))
        ? `${owner} has no role on ${project} to boot the copy with`
        : undefined;
  if (!why) return undefined;
  const who = context.applyUser ? context.applyUser.slice('user:'.length) : 'the user apply runs as';
  return `owner: the copy is owned by ${who}, not ${owner}: ${why}`;
}

/**
 * Cinder and Nova record whoever creates a volume or a server group (`user_id`), and no API sets
 * it: apply creates the copy as the user it runs as, so another creator does not survive.
 */
function creatorLoss(resource: InventoryResource, context: LossContext): string[] {
  const creator = refList(resource, 'creator')[0];
  if (!creator || (context.applyUser !== undefined && context.reference(creator) === context.applyUser)) return [];
  const who = context.applyUser ? context.applyUser.slice('user:'.length) : 'the user apply runs as';
  return [`creator: the copy is created by ${who}, not ${creator}: the cloud records whoever creates it, and apply creates it as itself`];
}

/** The address the user of a cloud's auth has in an inventory (`user:admin`, `user:acme/ops`), when the auth names it. */
export function applyUserAddress(auth: { username?: string | undefined; user_domain_name?: string | undefined; user_domain_id?: string | undefined }): string | undefined {
  if (!auth.username) return undefined;
  const domain = auth.user_domain_name ?? auth.user_domain_id;
  const inDefault = domain === undefined || domain === 'Default' || domain === 'default';
  return formatAddress('user', inDefault ? addressPath(auth.username) : addressPath(domain, auth.username));
}
