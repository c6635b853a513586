import type { CloudConfig } from '../../config/types.js';

/**
 * The original's `POST /reset` (its CLOUDS_RESET) on `pumphouse sandbox`: each simulated cloud
 * answers `/_sandbox/reset` (rebuilt from its scenario) on loopback. Whether a cloud is a sandbox
 * is asked of the cloud itself (its `/_sandbox/faults` control route answers), never guessed
 * from names; a real cloud, or one beyond loopback, is never sent anything but that GET.
 */
const RESET_PATH = '/_sandbox/reset';
const FAULTS_PATH = '/_sandbox/faults';
const PROBE_MS = 2000;

/** `http://127.0.0.1:PORT` of a cloud whose Keystone is on loopback, else undefined. */
export function loopbackOrigin(cloud: Pick<CloudConfig, 'auth'>): string | undefined {
  try {
    const url = new URL(cloud.auth.auth_url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (url.protocol !== 'http:' || !(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** True when both clouds are sandbox clouds that can be reset. */
export async function canReset(clouds: ReadonlyArray<Pick<CloudConfig, 'auth'>>): Promise<boolean> {
  const answers = await Promise.all(clouds.map(async (cloud) => {
    const origin = loopbackOrigin(cloud);
    if (!origin) return false;
    try {
      const res = await fetch(`${origin}${FAULTS_PATH}`, { signal: AbortSignal.timeout(PROBE_MS) });
      const body = (await res.json()) as { faults?: unknown };
      return res.ok && typeof body.faults === 'object';
    } catch {
      return false;
    }
  }));
  return answers.length > 0 && answers.every(Boolean);
}

/** Rebuilds one sandbox cloud from its scenario. */
export async function resetCloud(cloud: Pick<CloudConfig, 'auth'>): Promise<void> {
  const origin = loopbackOrigin(cloud);
  if (!origin) throw new Error('the cloud is not on loopback');
  const res = await fetch(`${origin}${RESET_PATH}`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${origin}${RESET_PATH} answered ${res.status}`);
  await res.arrayBuffer();
}

