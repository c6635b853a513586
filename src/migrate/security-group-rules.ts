import type { StepRunner } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { isConflict } from '../openstack/index.js';
import type { SecurityGroupRuleOps } from './adapters.js';
import type { MigrationContext } from './context.js';
import { neutronRules } from './openstack-adapters.js';
import { type CopyReader, verifyReadBack } from './read-back.js';

/**
 * The `sync-rules` step of a security group, after every group its rules name exists on the
 * target (its copy was created bare: network.ts). The rules are compared and written through
 * SecurityGroupRuleOps (adapters.ts).
 */

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface RuleSpec {
  direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null; remote_group_id: string | null;
}

const ruleKey = (r: RuleSpec): string =>
  [r.direction, r.ethertype, r.protocol ?? '', r.port_range_min ?? '', r.port_range_max ?? '', r.remote_ip_prefix ?? '', r.remote_group_id ?? ''].join('|');
/** A rule with its description: Neutron cannot change one, so a new description is a new rule. */
const fullKey = (r: RuleSpec & { description?: string }): string => `${ruleKey(r)}|${r.description ?? ''}`;

/** The source group's rules in target terms (remote groups by their target ids). */
function desiredRules(m: MigrationContext, source: InventoryResource, targetId: string): Array<RuleSpec & { description: string }> {
  const rules = (source.attributes['rules'] ?? []) as Array<Record<string, unknown>>;
  return rules.map((r) => {
    const remote = r['remoteGroup'];
    return {
      direction: r['direction'] as RuleSpec['direction'],
      ethertype: r['ethertype'] as RuleSpec['ethertype'],
      protocol: (r['protocol'] as string | null) ?? null,
      port_range_min: (r['portRangeMin'] as number | null) ?? null,
      port_range_max: (r['portRangeMax'] as number | null) ?? null,
      remote_ip_prefix: (r['remoteIpPrefix'] as string | null) ?? null,
      remote_group_id: typeof remote === 'string' ? (remote === source.address ? targetId : m.requireTargetId(remote, `a rule of ${source.address}`)) : null,
      description: str(r['description']),
    };
  });
}

/**
 * Makes the target group's rules exactly the source's: adds the missing ones and removes the
 * others (Neutron gives a new group two egress rules the source may have deleted). A rule that
 * differs only in its description is replaced: removed first, as Neutron refuses a duplicate.
 */
export function syncRulesRunner(m: MigrationContext, rules: SecurityGroupRuleOps = neutronRules(m.target), read?: CopyReader): StepRunner {
  const compare = async (address: string) => {
    const source = m.sourceObject(address);
    const targetId = m.requireTargetId(address, 'the security group whose rules to sync');
    const group = await rules.group(targetId);
    const want = desiredRules(m, source, targetId);
    const wantKeys = new Set(want.map(fullKey));
    const haveKeys = new Set(group.security_group_rules.map((r) => fullKey(r as RuleSpec & { description?: string })));
    const missing = want.filter((r) => !haveKeys.has(fullKey(r)));
    const extra = group.security_group_rules.filter((r) => !wantKeys.has(fullKey(r as RuleSpec & { description?: string })));
    const replaced = new Set(missing.map(ruleKey));
    return {
      targetId, projectId: group.project_id, missing,
      /** Extras in the way of a missing rule go first; the others once the missing ones exist. */
      inTheWay: extra.filter((r) => replaced.has(ruleKey(r as RuleSpec))),
      others: extra.filter((r) => !replaced.has(ruleKey(r as RuleSpec))),
    };
  };
  return {
    async observe(ctx) {
      const { missing, inTheWay, others } = await compare(ctx.step.address);
      return missing.length + inTheWay.length + others.length === 0 ? { done: true } : { done: false };
    },
    async run(ctx) {
      const { targetId, projectId, missing, inTheWay, others } = await compare(ctx.step.address);
      for (const rule of inTheWay) await rules.removeRule(rule.id);
      for (const rule of missing) {
        try {
          await rules.createRule({ ...rule, security_group_id: targetId, project_id: projectId });
        } catch (error) {
          if (!isConflict(error)) throw error; // created by an earlier attempt that lost its answer
        }
      }
      for (const rule of others) await rules.removeRule(rule.id);
    },
    async verify(ctx) {
      // The read-back compares the rules (and the rest of the group) as the diff does.
      await verifyReadBack(m, m.sourceObject(ctx.step.address), m.requireTargetId(ctx.step.address, 'the security group whose rules were synced'), [], read);
    },
  };
}
