import type { StepRunner } from '../executor/runner.js';
import { PumphouseError } from '../errors.js';
import { HOST_STEP_CODES, hostChangeOf, hostNameOf, type HostStepContext } from './context.js';
import { findHostNode, nodeWithMac } from './fuel-nodes.js';
import { requireFixedLayoutFits, targetEnvironment } from './join-environment.js';
import { requireFuel } from './upgrade.js';

/**
 * `check-host`: reads only, first in the chain of a host whose plan gives its layout. The host's
 * node is looked up in Fuel and the fixed layout checked against the node's disks and NICs and
 * the target environment's networks; a mismatch fails the step (PH1913), so the host is neither
 * disabled, nor emptied, nor reset. A Fuel-managed host is a node already; a BMC-managed one is a
 * node only if Fuel has seen it (released earlier): otherwise it is checked when it registers,
 * before it is assigned (join-environment.ts).
 */
export function checkHostRunner(h: HostStepContext): StepRunner {
  return {
    async observe() {
      return { done: false };
    },
    async run(ctx) {
      const address = ctx.step.address;
      const layout = hostChangeOf(h, address).fuel?.layout;
      if (!layout) return;
      const host = hostNameOf(address);
      const fuel = requireFuel(h, address);
      const env = await targetEnvironment(h, fuel, address);
      const nodes = await fuel.nodes();
      const macs = h.hardware[host]?.pxeMacs ?? [];
      const node = h.management(host) === 'fuel' ? findHostNode(nodes, host, macs) : macs.length > 0 ? nodeWithMac(nodes, macs) : undefined;
      if (!node) {
        if (h.management(host) === 'fuel') {
          throw new PumphouseError(HOST_STEP_CODES.noSourceNode, `${address}: ${host} is managed by Fuel (pumphouse.yaml), but Fuel has no node of that name`, {
            hint: `check the node's name in Fuel (\`pumphouse hosts --check\`), or give hosts.${host}.pxe_macs to find it by MAC`,
          });
        }
        ctx.progress({ phase: `${host} is not in Fuel yet: its fixed layout is checked when it registers, before it is assigned` });
        return;
      }
      ctx.progress({ phase: `checking the fixed layout against Fuel node #${node.id}'s disks and interfaces and ${env.name}'s networks` });
      await requireFixedLayoutFits(fuel, node.id, layout, env.id);
    },
    async verify() {
      // Nothing to verify: the check is the work.
    },
  };
}
