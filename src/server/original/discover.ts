import type { CloudConfig } from '../../config/types.js';
import { discoverInventory } from '../../inventory/index.js';
import type { Inventory } from '../../inventory/model.js';
import { connect } from '../../openstack/index.js';
import type { RouteContext } from '../routes.js';

/** One cloud's inventory, as /v1/inventory reads it. */
async function discover(ctx: RouteContext, config: CloudConfig): Promise<Inventory> {
  const settings = ctx.config.settings.discovery;
  const cloud = await connect(config, { events: ctx.journal.bus, maxInFlight: settings.concurrency });
  try {
    return await discoverInventory(cloud, { label: config.label, events: ctx.journal.bus, concurrency: settings.concurrency, pageSize: settings.pageSize });
  } finally {
    cloud.close();
  }
}

export function discoverSource(ctx: RouteContext): Promise<Inventory> {
  return discover(ctx, ctx.config.source);
}

export async function discoverBoth(ctx: RouteContext): Promise<{ source: Inventory; target: Inventory }> {
  const [source, target] = await Promise.all([discover(ctx, ctx.config.source), discover(ctx, ctx.config.target)]);
  return { source, target };
}
