import { isMarkKey } from '../../diff/marks.js';
import { blockStorage } from '../../openstack/index.js';
import { text, type Updater } from './updater.js';

/** Cinder: description, metadata (replaced, the copy's marks kept) and the bootable flag. */
export const VOLUME_UPDATERS = {
  volume: (async (m, id, after) => {
    const client = await m.target.blockStorage();
    if ('description' in after) await blockStorage.volumes.update(client, id, { description: text(after['description']) });
    if ('metadata' in after) {
      const current = await blockStorage.volumes.get(client, id);
      const marks = Object.entries(current.metadata ?? {}).filter(([key]) => isMarkKey(key));
      const desired = Object.entries((after['metadata'] ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]);
      await blockStorage.volumes.replaceMetadata(client, id, Object.fromEntries([...desired, ...marks]));
    }
    if ('bootable' in after) await blockStorage.volumes.setBootable(client, id, after['bootable'] === true);
  }) satisfies Updater,
};
