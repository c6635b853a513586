import { refList } from '../inventory/lookup.js';
import type { ServiceClient } from '../openstack/http/service-client.js';
import { collectAll, identity, isNotFound } from '../openstack/index.js';
import { PumphouseError, errorMessage } from '../errors.js';
import type { MigrationContext } from './context.js';
import type { TemporaryObject } from '../state/model.js';
import { removeTemporaryKeypair, TEMPORARY_KEYPAIR_KIND } from './lent-keys.js';

/**
 * Pumphouse's own access inside target projects. Servers, volumes and server groups are created
 * in the project of the token, so Pumphouse's user needs a role there: it grants itself `admin`
 * on the project. That grant is Pumphouse's, not the workload's: it is recorded in the state as a
 * temporary BEFORE it is made (a kill in between leaves a record, never an unrecorded grant), and
 * revoked when the apply ends (`pumphouse cleanup` revokes what a killed apply left), unless
 * pumphouse.yaml says `settings.apply.keep_admin_grants: true`. A grant the user already held
 * (the operator's, or one the plan copies from the source) is never recorded nor revoked.
 */

/** The state's key and id of a temporary grant: `<project>/<user>/<role>` on the target. */
export const TEMPORARY_GRANT_KIND = 'role-assignment';
const grantKey = (id: string): string => `grant:${id}`;

/** Makes sure Pumphouse's user holds `admin` on a target project, recording the grant first when it adds one. */
export async function grantOwnAccess(m: MigrationContext, projectId: string): Promise<void> {
  const client = await m.target.identity();
  const userId = m.target.session.info.user.id;
  const roleId = await adminRoleId(m, projectId);
  const id = `${projectId}/${userId}/${roleId}`;
  if (!m.ledger.temporaries()[grantKey(id)]) {
    if (await identity.roles.hasGrant(client, { projectId }, userId, roleId)) return;
    if (!m.keepAdminGrants) await m.ledger.addTemporary(grantKey(id), temporaryGrant(id, projectName(m, projectId)));
  }
  await identity.roles.grant(client, { projectId }, userId, roleId);
}

/**
 * Revokes every temporary grant the state records (this apply's and any a killed one left),
 * except one the plan itself copies from the source: that grant is the workload's now; and
 * removes any key a killed boot left in Pumphouse's keypairs. What cannot be removed stays
 * recorded and is reported, for `pumphouse cleanup`.
 */
export async function releaseOwnAccess(m: MigrationContext): Promise<void> {
  for (const [key, record] of Object.entries(m.ledger.temporaries())) {
    if (record.cloud !== 'target' || record.id === undefined) continue;
    const id = record.id;
    try {
      if (record.kind === TEMPORARY_KEYPAIR_KIND) {
        // A key lent for a boot that a kill interrupted (a finished boot returns it at once).
        await removeTemporaryKeypair(await m.target.compute(), id);
      } else if (record.kind === TEMPORARY_GRANT_KIND && !m.keepAdminGrants) {
        if (!copiedByPlan(m, id)) await revokeTemporaryGrant(await m.target.identity(), id);
      } else {
        continue;
      }
      await m.ledger.removeTemporary(key);
    } catch (error) {
      m.events.emit({
        type: 'warning', level: 'warn',
        message: `could not remove Pumphouse's temporary ${record.kind} (${record.purpose}): ${errorMessage(error)}`,
        data: { code: 'PH1624', cloud: m.target.label, hint: 'run `pumphouse cleanup` to remove it' },
      });
    }
  }
}

/** Revokes a temporary grant by its recorded id (also used by `pumphouse cleanup`). */
export async function revokeTemporaryGrant(client: ServiceClient, id: string): Promise<void> {
  const [projectId, userId, roleId] = id.split('/');
  if (!projectId || !userId || !roleId) throw new PumphouseError('PH1608', `a temporary grant recorded as "${id}" is not <project>/<user>/<role>`);
  try {
    await identity.roles.revoke(client, { projectId }, userId, roleId);
  } catch (error) {
    // The project (and its grants with it) may be gone: nothing is left to revoke.
    if (!isNotFound(error)) throw error;
  }
}

/** Whether a source grant of the plan is this grant on the target (the admin was a member of the source project too). */
function copiedByPlan(m: MigrationContext, id: string): boolean {
  const [projectId, userId, roleId] = id.split('/');
  return m.changesOfKind('role-assignment').some((change) => {
    const grant = m.sourceLookup.get(change.address);
    if (!grant) return false;
    const target = (role: string) => refList(grant, role).map((address) => m.targetIdOf(address))[0];
    return target('project') === projectId && target('user') === userId && target('role') === roleId;
  });
}

async function adminRoleId(m: MigrationContext, projectId: string): Promise<string> {
  const admin = (await collectAll(identity.roles.list(await m.target.identity(), { name: 'admin' })))[0];
  if (!admin) throw new PumphouseError('PH1622', `${m.target.label}: there is no "admin" role to grant Pumphouse on project ${projectId}`);
  return admin.id;
}

/** The project as the plan names it (`project:demo`), for `pumphouse state show`; else its target id. */
function projectName(m: MigrationContext, projectId: string): string {
  return m.changesOfKind('project').find((c) => m.targetIdOf(c.address) === projectId)?.address ?? `project ${projectId}`;
}

function temporaryGrant(id: string, project: string): TemporaryObject {
  return { cloud: 'target', kind: TEMPORARY_GRANT_KIND, id, purpose: `admin role of Pumphouse's user on ${project}, to work inside it`, createdAt: new Date().toISOString() };
}
