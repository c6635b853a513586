import type { HostReport, HostRow } from '../../hosts/report.js';
import { painter } from '../streams.js';
import { table } from './clouds.js';

/**
 * `pumphouse hosts` for a human: a row per source host — its compute service (or that it is a
 * controller), what it still runs, what manages it (its BMC, or Fuel) and, after --check, the
 * power state and the Fuel node it is — then the problems the check found, each with its reason.
 */
export function renderHostsHuman(report: HostReport, options: { color: boolean; checked: boolean }): string {
  const c = painter(options.color);
  const head = ['HOST', 'SERVICE', 'SERVERS', 'VCPU', 'RAM', 'DISK', 'MANAGED BY', ...(options.checked ? ['POWER', 'FUEL NODE'] : [])];
  const rows = report.hosts.map((h) => [
    h.name,
    serviceText(h),
    String(h.servers.count),
    String(h.servers.vcpus),
    `${(h.servers.ramMb / 1024).toFixed(1)} GiB`,
    `${h.servers.diskGb} GB`,
    managedText(h),
    ...(options.checked ? [h.check?.power ?? (h.check?.powerError ? 'error' : '-'), fuelText(h)] : []),
  ]);
  const onSource = report.hosts.filter((h) => h.onSource).length;
  const configOnly = report.hosts.length - onSource;
  const controllers = report.hosts.filter((h) => h.controller).length;
  const counted = `${onSource - controllers} hypervisor(s)${controllers > 0 ? ` and ${controllers} controller(s)` : ''}`;
  const out = [c.bold(`Hosts of the ${report.cloud} cloud: ${counted}${configOnly > 0 ? `, and ${configOnly} more host(s) pumphouse.yaml names` : ''}`), ''];
  out.push(...table([head, ...rows]).map((line, i) => `  ${i === 0 ? c.dim(line) : line}`));
  const problems = report.hosts.flatMap((h) => [
    ...(h.bmc || h.management === 'fuel' ? [] : [`${h.name}: no BMC in pumphouse.yaml (hosts.${h.name}.bmc), and Fuel does not manage it: it cannot be upgraded or released`]),
    ...(!h.onSource && options.checked && h.check?.fuelNode === null ? [`${h.name}: pumphouse.yaml names it, but it is neither a hypervisor of the ${report.cloud} cloud nor a Fuel node (a typo?)`] : []),
    ...(h.check?.powerError ? [`${h.name}: ${h.check.powerError}`] : []),
    ...(h.check?.fuelError ? [`${h.name}: ${h.check.fuelError}`] : []),
  ]);
  if (problems.length > 0) out.push('', ...problems.map((p) => `  ${c.yellow('!')} ${p}`));
  return out.join('\n');
}

function managedText(h: HostRow): string {
  const bmc = h.bmc ? `${h.bmc.driver} ${h.bmc.address}${h.bmc.port ? `:${h.bmc.port}` : ''}` : '-';
  return h.management === 'fuel' ? `Fuel${h.bmc ? ` (BMC ${bmc})` : ''}` : bmc;
}

function serviceText(h: HostRow): string {
  if (!h.onSource) return 'not in the source';
  if (h.controller) return 'controller (no nova-compute)';
  if (!h.service) return 'no nova-compute';
  const forced = h.service.forcedDown ? ', forced down' : '';
  const reason = h.service.disabledReason ? ` (${h.service.disabledReason})` : '';
  return `${h.service.status}, ${h.service.state}${forced}${reason}`;
}

function fuelText(h: HostRow): string {
  const node = h.check?.fuelNode;
  if (node === undefined) return h.check?.fuelError ? 'error' : '-';
  if (node === null) return 'not in Fuel';
  const where = node.environment ? ` in ${node.environment}` : node.cluster === null ? ', unassigned' : '';
  return `${node.fqdn ?? node.name} (#${node.id}) ${node.status}${node.roles.length > 0 ? ` ${node.roles.join(',')}` : ''}${where}`;
}
