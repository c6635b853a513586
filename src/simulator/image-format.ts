/**
 * What Glance's format inspector makes of an image's bytes on upload: the `virtual_size` it
 * records. raw: the data's size; qcow2: the size the qcow2 header gives (none when the bytes are
 * not qcow2); formats Glance has no inspector for (aki, ari, ami, iso…): none, as Zed answers
 * (test/fixtures/api/zed/image.json). So a copy of the same bytes in the same format has the same
 * virtual size on every cloud, and seeded images say what their bytes say.
 */
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]); // "QFI\xfb"
/** The qcow2 header up to its `size` field (big-endian u64 at offset 24). */
export const QCOW2_HEADER_BYTES = 32;

/** A qcow2 (version 3) header announcing a disk of `virtualSize` bytes: the start of a seeded qcow2 image. */
export function qcow2Header(virtualSize: number): Buffer {
  const header = Buffer.alloc(QCOW2_HEADER_BYTES);
  QCOW2_MAGIC.copy(header, 0);
  header.writeUInt32BE(3, 4);
  header.writeUInt32BE(16, 20); // cluster_bits: 64 KiB clusters
  header.writeBigUInt64BE(BigInt(virtualSize), 24);
  return header;
}

/** The virtual size Glance records for data of `size` bytes starting with `head`, uploaded as `diskFormat`. */
export function inspectedVirtualSize(diskFormat: string, head: Buffer, size: number): number | null {
  if (diskFormat === 'raw') return size;
  if (diskFormat === 'qcow2' && head.length >= QCOW2_HEADER_BYTES && head.subarray(0, 4).equals(QCOW2_MAGIC)) return Number(head.readBigUInt64BE(24));
  return null;
}
