import { PumphouseError } from '../errors.js';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { compute, type ServiceClient } from '../openstack/index.js';
import type { MigrationContext } from './context.js';
import { weakTargetId } from './weak-references.js';

/**
 * A flavor's parts besides its record, shared by the copy (compute.ts) and the update step:
 * extra specs, the description (the one field Nova can change) and a private flavor's access
 * list. Each sync reads the target's current value and writes only what differs, so it is
 * harmless to repeat.
 */

/** Makes the copy's extra specs the source's: sets what differs, removes what the source has not. */
export async function syncExtraSpecs(client: ServiceClient, targetId: string, wanted: Record<string, string>): Promise<void> {
  const have = await compute.flavors.extraSpecs(client, targetId);
  const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => have[key] !== value));
  await compute.flavors.setExtraSpecs(client, targetId, changed);
  for (const key of Object.keys(have)) if (!(key in wanted)) await compute.flavors.deleteExtraSpec(client, targetId, key);
}

/**
 * Makes a private copy's access list the source's, in target project ids: every access project
 * that is on the target or moved by this plan; the others are the plan's listed losses.
 */
export async function syncFlavorAccess(m: MigrationContext, client: ServiceClient, source: InventoryResource, targetId: string): Promise<void> {
  if (source.attributes['isPublic'] !== false) return;
  const wanted = new Set<string>();
  for (const project of refList(source, 'accessProjects')) {
    const projectId = weakTargetId(m, project, `access project of ${source.address}`);
    if (projectId) wanted.add(projectId);
  }
  const have = new Set((await compute.flavors.listAccess(client, targetId)).map((a) => a.tenant_id));
  for (const projectId of wanted) if (!have.has(projectId)) await compute.flavors.addAccess(client, targetId, projectId);
  for (const projectId of have) if (!wanted.has(projectId)) await compute.flavors.removeAccess(client, targetId, projectId);
}

async function updateDescription(client: ServiceClient, targetId: string, description: unknown, address: string): Promise<void> {
  if (!client.supports('2.55')) {
    throw new PumphouseError('PH1610', `${address}: the target's Nova cannot change a flavor's description (it needs microversion 2.55)`, {
      hint: `change it on the target by hand, or exclude the update with --exclude ${address}`,
    });
  }
  await compute.flavors.updateDescription(client, targetId, typeof description === 'string' ? description : null);
}

/**
 * The update step of a flavor: its settable attributes (`after`, the source's values) and, when
 * the plan found its access list different, the access list.
 */
export async function updateFlavor(m: MigrationContext, targetId: string, after: Record<string, unknown>, sourceId: string): Promise<void> {
  const source = m.sourceLookup.byId('flavor', sourceId);
  if (!source) throw new PumphouseError('PH1620', `flavor ${sourceId} is no longer on the source cloud`, { hint: 'run `pumphouse plan` again' });
  const client = await m.target.compute();
  if ('description' in after) await updateDescription(client, targetId, after['description'], source.address);
  if ('extraSpecs' in after) await syncExtraSpecs(client, targetId, (after['extraSpecs'] ?? {}) as Record<string, string>);
  const change = m.change(source.address);
  if (change?.differences.some((d) => d.path === 'refs.accessProjects')) await syncFlavorAccess(m, client, source, targetId);
}
