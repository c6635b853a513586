import type { HostReport, HostRow } from '../../hosts/report.js';
import { painter } from '../streams.js';
import { table } from './clouds.js';

/**
 * `pumphouse hosts` for a human: a row per source hypervisor — its compute service, what it
 * still runs, its BMC and, after --check, the power state and the Fuel node it is — then the
 * problems the check found, each with its reason.
 */
export function renderHostsHuman(report: HostReport, options: { color: boolean; checked: boolean }): string {
  const c = painter(options.color);
  const head = ['HOST', 'SERVICE', 'SERVERS', 'VCPU', 'RAM', 'DISK', 'BMC', ...(options.checked ? ['POWER', 'FUEL NODE'] : [])];
  const rows = report.hosts.map((h) => [
    h.name,
    serviceText(h),
    String(h.servers.count),
    String(h.servers.vcpus),
    `${(h.servers.ramMb / 1024).toFixed(1)} GiB`,
    `${h.servers.diskGb} GB`,
    h.bmc ? `${h.bmc.driver} ${h.bmc.address}${h.bmc.port ? `:${h.bmc.port}` : ''}` : '-',
    ...(options.checked ? [h.check?.power ?? (h.check?.powerError ? 'error' : '-'), fuelText(h)] : []),
  ]);
  const onSource = report.hosts.filter((h) => h.onSource).length;
  const configOnly = report.hosts.length - onSource;
  const out = [c.bold(`Hypervisors of the ${report.cloud} cloud: ${onSource}${configOnly > 0 ? `, and ${configOnly} more host(s) pumphouse.yaml names` : ''}`), ''];
  out.push(...table([head, ...rows]).map((line, i) => `  ${i === 0 ? c.dim(line) : line}`));
  const problems = report.hosts.flatMap((h) => [
    ...(h.bmc ? [] : [`${h.name}: no BMC in pumphouse.yaml (hosts.${h.name}.bmc): it cannot be upgraded`]),
    ...(!h.onSource && options.checked && h.check?.fuelNode === null ? [`${h.name}: pumphouse.yaml names it, but it is neither a hypervisor of the ${report.cloud} cloud nor a Fuel node (a typo?)`] : []),
    ...(h.check?.powerError ? [`${h.name}: ${h.check.powerError}`] : []),
    ...(h.check?.fuelError ? [`${h.name}: ${h.check.fuelError}`] : []),
  ]);
  if (problems.length > 0) out.push('', ...problems.map((p) => `  ${c.yellow('!')} ${p}`));
  return out.join('\n');
}

function serviceText(h: HostRow): string {
  if (!h.onSource) return 'not in the source';
  if (!h.service) return 'no nova-compute';
  const forced = h.service.forcedDown ? ', forced down' : '';
  const reason = h.service.disabledReason ? ` (${h.service.disabledReason})` : '';
  return `${h.service.status}, ${h.service.state}${forced}${reason}`;
}

function fuelText(h: HostRow): string {
  const node = h.check?.fuelNode;
  if (node === undefined) return h.check?.fuelError ? 'error' : '-';
  if (node === null) return 'not in Fuel';
  return `${node.fqdn ?? node.name} (#${node.id}) ${node.status}${node.roles.length > 0 ? ` ${node.roles.join(',')}` : ''}`;
}
