import type { CloudDescription } from '../../openstack/index.js';
import { painter } from '../streams.js';

/**
 * `pumphouse clouds` for a human: per cloud, Keystone and region, then a table of services with
 * their endpoints (one row per interface), API version and microversion range.
 */
export function renderCloudsHuman(clouds: CloudDescription[], color: boolean): string {
  const c = painter(color);
  const out: string[] = [];
  for (const cloud of clouds) {
    out.push(c.bold(`${cloud.label}: ${cloud.authUrl}`));
    const who = [cloud.user?.name && `user ${cloud.user.name}`, cloud.project?.name && `project ${cloud.project.name}`].filter(Boolean).join(', ');
    out.push(`  Keystone ${cloud.keystoneVersion ?? '?'}, region ${cloud.region ?? '(any)'}${who ? `, ${who}` : ''}`);
    const rows: string[][] = [['TYPE', 'NAME', 'INTERFACE', 'URL', 'VERSION', 'MICROVERSIONS']];
    for (const service of [...cloud.services].sort((a, b) => a.type.localeCompare(b.type))) {
      const version = service.error ? c.yellow(`unknown (${service.error})`) : service.version ?? '';
      const micro = service.minMicroversion || service.maxMicroversion ? `${service.minMicroversion ?? '?'} – ${service.maxMicroversion ?? '?'}` : '';
      service.endpoints.forEach((endpoint, i) => {
        rows.push(i === 0 ? [service.type, service.name, endpoint.interface, endpoint.url, version, micro] : ['', '', endpoint.interface, endpoint.url, '', '']);
      });
    }
    out.push(...table(rows).map((line, i) => `  ${i === 0 ? c.dim(line) : line}`));
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/** Left-aligned columns, widths from the plain text (colour codes excluded). */
export function table(rows: string[][]): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visible(cell)))).join('  ').trimEnd());
}
