import { compute, collectAll, mapLimit, type identity } from '../../openstack/index.js';
import { addressPath, escapeSegment } from '../address.js';
import { unlessGone, type Collector } from './collector.js';

type Keypair = compute.keypairs.Keypair & { user_id: string };

/**
 * Keypairs of every user: nova lists only one user's at a time (`user_id`, 2.10+), so this is
 * one paged call per keystone user, `concurrency` at a time.
 */
export const keypairCollector: Collector<Keypair> = {
  name: 'keypair',
  kind: 'keypair',
  service: 'compute',
  fetch: async (ctx) => {
    const client = await ctx.cloud.compute();
    const users = await ctx.need<identity.users.User>('user');
    const perUser = await mapLimit(users, ctx.concurrency, (user) =>
      collectAll(compute.keypairs.list(client, { user_id: user.id, pageSize: ctx.pageSize })) as Promise<Keypair[]>);
    return perUser.flat();
  },
  fetchOne: async (cloud, id) => {
    // `<user id>/<name>`, as named below; user ids hold no "/".
    const slash = id.indexOf('/');
    const [userId, name] = [id.slice(0, slash), id.slice(slash + 1)];
    return unlessGone(async () => ({ ...(await compute.keypairs.get(await cloud.compute(), name, userId)), user_id: userId }));
  },
  naming: (k, ctx) => ({
    id: `${k.user_id}/${k.name}`,
    name: k.name,
    path: `${ctx.pathOf('user', k.user_id) ?? addressPath(k.user_id)}/${escapeSegment(k.name)}`,
  }),
  build: (k, ctx) => ctx.refs().one('user', 'user', k.user_id).done({ type: k.type ?? 'ssh', fingerprint: k.fingerprint, publicKey: k.public_key }),
};
