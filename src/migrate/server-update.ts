import { PumphouseError } from '../errors.js';
import { isMarkKey } from '../diff/marks.js';
import { isPowerState } from '../diff/power-state.js';
import { compute } from '../openstack/index.js';
import type { StepContext } from '../executor/runner.js';
import type { MigrationContext } from './context.js';
import { novaServers } from './openstack-adapters.js';
import { settleServer, type CopyState } from './server-power.js';

/**
 * The `update` of a server's copy: metadata, tags and description through Nova's own writes, and
 * the power state and lock through its actions (start/stop, lock/unlock), waiting for the new
 * status. `after` holds the source's values of the attributes that differ (the diff's `after`,
 * where `status` is already the status the copy must have: diff/power-state.ts).
 */
export async function updateServer(m: MigrationContext, id: string, after: Record<string, unknown>, tagsWithMarks: (tags: unknown) => string[], ctx: StepContext): Promise<void> {
  const client = await m.target.compute();
  if ('metadata' in after) {
    // PUT replaces the whole set (POST only adds): keys added behind Pumphouse's back go, the marks stay.
    const marks = Object.entries((await compute.servers.get(client, id)).metadata).filter(([key]) => isMarkKey(key));
    await client.put(client.url('servers', id, 'metadata'), { metadata: { ...Object.fromEntries(marks), ...(after['metadata'] as Record<string, string>) } });
  }
  if ('tags' in after) await client.put(client.url('servers', id, 'tags'), { tags: tagsWithMarks(after['tags']) });
  if ('description' in after) await client.put(client.url('servers', id), { server: { description: after['description'] } });
  await settleServer(m, novaServers(m.target), ctx, id, copyState(ctx, after), `the copy of ${ctx.step.address}`);
}

function copyState(ctx: StepContext, after: Record<string, unknown>): CopyState {
  const state: CopyState = {};
  if ('status' in after) {
    const status = after['status'];
    if (!isPowerState(status)) {
      throw new PumphouseError('PH1610', `${ctx.step.address}: the source server is ${String(status)}; apply can bring a copy only to ACTIVE or SHUTOFF`, {
        hint: `start or stop the source server, then plan again; or exclude it with --exclude ${ctx.step.address}`,
      });
    }
    state.status = status;
  }
  if (typeof after['locked'] === 'boolean') state.locked = after['locked'];
  return state;
}
