import { markTags, SOURCE_TAG_PREFIX } from '../diff/marks.js';
import type { StepContext } from '../executor/runner.js';
import { refList } from '../inventory/lookup.js';
import { PumphouseError } from '../errors.js';
import { collectAll, image } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import type { CopyKind } from './copy.js';
import { imageReferenceProperties, NOT_COPIED, syncImageMembers, syncProtection } from './image-parts.js';
import { transferImageData } from './image-transfer.js';
import { waitForStatus } from './wait.js';

/**
 * Images: the record (properties, visibility, owner, tags) and its data, streamed from source
 * Glance to target Glance. Used by the image step and, for temporary images, by the server
 * (snapshot) and volume (upload-to-image) steps.
 */

/**
 * Finds the target image marked as a copy of `sourceImageId`; with `hidden`, among the hidden
 * (os_hidden) images too: Glance lists them only when asked for them, and then only them.
 */
export async function findImageCopy(m: MigrationContext, sourceImageId: string, options: { hidden?: boolean } = {}): Promise<image.images.Image | undefined> {
  const client = await m.target.image();
  const tag = `${SOURCE_TAG_PREFIX}${sourceImageId}`;
  const lists = await Promise.all([
    collectAll(image.images.list(client, { tag })),
    ...(options.hidden ? [collectAll(image.images.list(client, { tag, os_hidden: true }))] : []),
  ]);
  return lists.flat().find((i) => i.status !== 'deleted');
}

/**
 * Makes sure the target holds an active copy of source image `sourceImageId` with the same
 * checksum: creates the record if there is none, uploads the data if it has none, waits while
 * another attempt's upload finishes. A copy in a dead state is deleted and the attempt retried.
 */
export async function ensureImageCopy(m: MigrationContext, sourceImageId: string, record: () => image.images.ImageCreate, ctx: StepContext, options: { hidden?: boolean } = {}): Promise<string> {
  const client = await m.target.image();
  let copy = await findImageCopy(m, sourceImageId, options);
  if (!copy) {
    ctx.progress({ phase: 'creating the image record on the target' });
    copy = await image.images.create(client, record());
  }
  const what = `image ${copy.id} on ${m.target.label}`;
  if (copy.status === 'queued') {
    ctx.progress({ phase: 'streaming the image data' });
    await transferImageData(m.source, sourceImageId, m.target, copy.id, ctx);
  }
  if (copy.status === 'killed' || copy.status === 'deactivated') {
    await image.images.remove(client, copy.id);
    throw new PumphouseError('PH1642', `${what} was ${copy.status}: removed, the copy starts again`);
  }
  const copyId = copy.id;
  const done = await waitForStatus(() => image.images.get(client, copyId), {
    what, want: ['active'], pollMs: m.pollMs, timeoutMs: m.waitTimeoutMs, signal: ctx.signal,
  });
  const source = await image.images.get(await m.source.image(), sourceImageId);
  const differs = hashesThatDiffer(source, done);
  if (differs) {
    await image.images.remove(client, done.id);
    throw new PumphouseError('PH1643', `${what} has ${differs}: removed, the copy starts again`, {
      hint: 'either the source image is damaged in its store or the bytes changed on the way; if it recurs, check the source image with `openstack image save`',
    });
  }
  return done.id;
}

/**
 * The hashes the target Glance computed from the bytes it received, against those the source
 * recorded: md5 `checksum` and the multihash (`os_hash_value`, when both use the same algorithm).
 * A hash the source never recorded (an image older than multihash) is not compared.
 */
function hashesThatDiffer(source: image.images.Image, copy: image.images.Image): string | undefined {
  if (source.checksum && copy.checksum !== source.checksum) return `md5 ${copy.checksum}, the source recorded ${source.checksum}`;
  if (source.os_hash_value && source.os_hash_algo === copy.os_hash_algo && copy.os_hash_value !== source.os_hash_value) {
    return `${source.os_hash_algo} ${copy.os_hash_value?.slice(0, 16)}…, the source recorded ${source.os_hash_value.slice(0, 16)}…`;
  }
  return undefined;
}

/** The target image record for a copy of source image `resource`-like attributes. */
export function imageRecord(m: MigrationContext, sourceId: string, fields: {
  name: string; diskFormat: string; containerFormat: string; visibility: string; owner?: string | undefined; minDiskGb?: number; minRamMb?: number;
  tags?: string[]; properties?: Record<string, unknown>; hidden?: boolean;
}): image.images.ImageCreate {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields.properties ?? {})) if (!NOT_COPIED.has(key) && typeof value === 'string') properties[key] = value;
  return {
    ...properties,
    name: fields.name,
    disk_format: fields.diskFormat,
    container_format: fields.containerFormat,
    visibility: fields.visibility as image.images.Image['visibility'],
    ...(fields.owner ? { owner: fields.owner } : {}),
    min_disk: fields.minDiskGb ?? 0,
    min_ram: fields.minRamMb ?? 0,
    ...(fields.hidden ? { os_hidden: true } : {}),
    tags: [...new Set([...(fields.tags ?? []), ...markTags(sourceId, m.planName)])],
  };
}

export const imageCopy: CopyKind = {
  async find(m, source) {
    const copy = await findImageCopy(m, source.id, { hidden: source.attributes['hidden'] === true });
    return copy?.status === 'active' ? copy.id : undefined;
  },
  async create(m, source, ctx) {
    const a = source.attributes;
    const owner = refList(source, 'owner')[0];
    // The kernel and ramdisk are references: their copies' target ids, never the source's.
    const properties = { ...(a['properties'] as Record<string, unknown> | undefined), ...imageReferenceProperties(m, source) };
    return ensureImageCopy(m, source.id, () => imageRecord(m, source.id, {
      name: source.name,
      diskFormat: String(a['diskFormat'] ?? 'raw'),
      containerFormat: String(a['containerFormat'] ?? 'bare'),
      visibility: String(a['visibility'] ?? 'private'),
      owner: owner ? m.targetIdOf(owner) : undefined,
      minDiskGb: Number(a['minDiskGb'] ?? 0),
      minRamMb: Number(a['minRamMb'] ?? 0),
      tags: (a['tags'] as string[] | undefined) ?? [],
      properties,
      hidden: a['hidden'] === true,
    }), ctx, { hidden: a['hidden'] === true });
  },
  async complete(m, source, targetId) {
    const client = await m.target.image();
    await syncImageMembers(m, client, source, targetId);
    await syncProtection(client, source, await image.images.get(client, targetId));
  },
};
