import { isMarkKey, markTags } from '../diff/marks.js';
import { PumphouseError } from '../errors.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { collectAll, image, type ServiceClient } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { weakTargetId } from './weak-references.js';

/**
 * An image's parts besides its data, shared by the copy (images.ts) and the update step: the
 * kernel and ramdisk it boots with (other images: always their copies' TARGET ids, never the
 * source's), protection, and the projects it is shared with with their member status. Each sync
 * reads the target's current value and writes only what differs, so it is harmless to repeat.
 */

/** The Glance properties that name the images a source image's references point to. */
const IMAGE_REFERENCES = { kernel: 'kernel_id', ramdisk: 'ramdisk_id' } as const;

/** Properties Glance manages itself or that point into the source's stores: never copied. */
export const NOT_COPIED: ReadonlySet<string> = new Set(['stores', 'os_glance_importing_to_stores', 'os_glance_failed_import']);

/**
 * kernel_id/ramdisk_id for the copy: the target ids of the copies of the source's kernel and
 * ramdisk images (the model's `needs` brings them into the plan and runs their steps first).
 */
export function imageReferenceProperties(m: MigrationContext, source: InventoryResource): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [role, property] of Object.entries(IMAGE_REFERENCES)) {
    const referenced = refList(source, role)[0];
    if (referenced) properties[property] = m.requireTargetId(referenced, `the ${role} image of ${source.address}`);
  }
  return properties;
}

/**
 * Makes a shared copy's members the source's, in target project ids and with the source's status
 * (an admin may set it; the copy's owner alone could not): every member project that is on the
 * target or moved by this plan; the others are the plan's listed losses.
 */
export async function syncImageMembers(m: MigrationContext, client: ServiceClient, source: InventoryResource, targetId: string): Promise<void> {
  if (source.attributes['visibility'] !== 'shared') return;
  const statuses = (source.attributes['memberStatus'] ?? {}) as Record<string, image.images.ImageMember['status']>;
  const wanted = new Map<string, image.images.ImageMember['status']>();
  for (const member of refList(source, 'members')) {
    const projectId = weakTargetId(m, member, `member project of ${source.address}`);
    if (projectId) wanted.set(projectId, statuses[member] ?? 'pending');
  }
  const have = new Map((await collectAll(image.images.listMembers(client, targetId))).map((mb) => [mb.member_id, mb.status]));
  for (const [projectId, status] of wanted) {
    if (!have.has(projectId)) await image.images.addMember(client, targetId, projectId);
    // A new member starts pending.
    if ((have.get(projectId) ?? 'pending') !== status) await image.images.setMemberStatus(client, targetId, projectId, status);
  }
  for (const projectId of have.keys()) if (!wanted.has(projectId)) await image.images.removeMember(client, targetId, projectId);
}

/** Protects the copy like the source, once its data is in (a copy that fails its checksum must stay deletable). */
export async function syncProtection(client: ServiceClient, source: InventoryResource, copy: image.images.Image): Promise<void> {
  const wanted = source.attributes['protected'] === true;
  if (copy.protected !== wanted) await image.images.setProperties(client, copy.id, { protected: wanted });
}

/** Settable image attributes and the Glance fields they are written to. */
const FIELDS = [['visibility', 'visibility'], ['minDiskGb', 'min_disk'], ['minRamMb', 'min_ram'], ['protected', 'protected'], ['hidden', 'os_hidden']] as const;

/**
 * The update step of an image: its settable attributes (`after`, the source's values), then the
 * kernel/ramdisk references and the members when the plan found those different.
 */
export async function updateImage(m: MigrationContext, targetId: string, after: Record<string, unknown>, sourceId: string): Promise<void> {
  const source = m.sourceLookup.byId('image', sourceId);
  if (!source) throw new PumphouseError('PH1620', `image ${sourceId} is no longer on the source cloud`, { hint: 'run `pumphouse plan` again' });
  const client = await m.target.image();
  const differs = new Set(m.change(source.address)?.differences.map((d) => d.path) ?? []);
  const copy = await image.images.get(client, targetId);
  const patch: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [attribute, field] of FIELDS) if (attribute in after) patch[field] = after[attribute];
  if ('tags' in after) patch['tags'] = [...new Set([...((after['tags'] as string[] | null) ?? []), ...markTags(source.id, m.planName)])];
  if ('properties' in after) {
    const wanted = (after['properties'] ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(wanted)) if (!NOT_COPIED.has(key) && copy.properties[key] !== value) patch[key] = value;
    for (const key of Object.keys(copy.properties)) if (!(key in wanted) && !isMarkKey(key) && !isReferenceProperty(key) && !NOT_COPIED.has(key)) remove.push(key);
  }
  if (differs.has('refs.kernel') || differs.has('refs.ramdisk')) {
    const references = imageReferenceProperties(m, source);
    for (const property of Object.values(IMAGE_REFERENCES)) {
      if (references[property]) patch[property] = references[property];
      else if (copy.properties[property] !== undefined) remove.push(property);
    }
  }
  if (Object.keys(patch).length > 0) await image.images.setProperties(client, targetId, patch);
  if (remove.length > 0) await image.images.removeProperties(client, targetId, remove);
  if (differs.has('attributes.memberStatus') || differs.has('refs.members')) await syncImageMembers(m, client, source, targetId);
}

function isReferenceProperty(key: string): boolean {
  return key === IMAGE_REFERENCES.kernel || key === IMAGE_REFERENCES.ramdisk;
}
