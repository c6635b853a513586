import type { Readable } from 'node:stream';
import type { CloudProbe } from '../diff/estimate-probe.js';
import type { InventoryResource } from '../inventory/model.js';
import { image, isStatus, type ServiceClient } from '../openstack/index.js';

/**
 * The plan's probe of both clouds, for the downtime estimates of a first plan (nothing measured
 * yet: diff/estimate-probe.ts turns it into figures). Read-only and short:
 *   - the source's Glance: the first PROBE_BYTES (or PROBE_READ_MS' worth) of its largest active
 *     image, asked with a Range header (a Glance that answers 200 with the whole image is read
 *     just as far, then the stream is dropped; one that refuses the range with 416 is asked again
 *     without one);
 *   - both Glance endpoints: a few cheap GETs timed, for the API round trips a move makes. The
 *     target is never written to: a plan changes nothing, so its upload rate is not measured.
 * Never fails: whatever goes wrong (or takes longer than PROBE_DEADLINE_MS) is a `failure` the
 * estimate's basis then names. Messages are the client's, which carry no token or password.
 */

export const PROBE_BYTES = 32 * 1024 * 1024;
export const PROBE_READ_MS = 2000;
export const PROBE_DEADLINE_MS = 5000;
/** Below this, a read is too short to time (a connection's first packets are slow). */
const MIN_SAMPLE_BYTES = 1024 * 1024;
const ROUND_TRIPS = 3;
/** Images tried in turn when one cannot be read (a download policy, an image gone since discovery). */
const CANDIDATES = 3;

export interface ProbeClients {
  source: () => Promise<ServiceClient>;
  target: () => Promise<ServiceClient>;
}

export interface ProbeLimits {
  bytes: number;
  readMs: number;
  deadlineMs: number;
}

const DEFAULT_LIMITS: ProbeLimits = { bytes: PROBE_BYTES, readMs: PROBE_READ_MS, deadlineMs: PROBE_DEADLINE_MS };

/** The source's active images with data, largest first. */
export function probeCandidates(sourceImages: readonly InventoryResource[]): InventoryResource[] {
  const size = (i: InventoryResource): number => (typeof i.attributes['size'] === 'number' ? i.attributes['size'] : 0);
  return sourceImages.filter((i) => i.attributes['status'] === 'active' && size(i) > 0).sort((a, b) => size(b) - size(a)).slice(0, CANDIDATES);
}

/** Probes both clouds within `limits.deadlineMs`; see the header. */
export async function probeClouds(clients: ProbeClients, sourceImages: readonly InventoryResource[], limits: ProbeLimits = DEFAULT_LIMITS): Promise<CloudProbe> {
  const expired = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CloudProbe>((resolve) => {
    timer = setTimeout(() => {
      expired.abort();
      resolve({ failure: `no answer within ${limits.deadlineMs / 1000} s` });
    }, limits.deadlineMs);
  });
  try {
    return await Promise.race([measure(clients, probeCandidates(sourceImages), limits, expired.signal).catch((error: unknown) => ({ failure: reasonOf(error) })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function measure(clients: ProbeClients, candidates: InventoryResource[], limits: ProbeLimits, expired: AbortSignal): Promise<CloudProbe> {
  const [source, target] = await Promise.all([clients.source(), clients.target()]);
  const first = candidates[0];
  const roundTripSeconds = {
    source: await timeCalls(() => (first ? image.images.get(source, first.id) : source.get('images', { query: { limit: 1 } }))),
    target: await timeCalls(() => target.get('images', { query: { limit: 1 } })),
  };
  if (candidates.length === 0) return { roundTripSeconds, failure: 'the source has no active image to read' };
  let failure = '';
  for (const candidate of candidates) {
    if (expired.aborted) break;
    try {
      const read = await readSome(source, candidate.id, limits, expired);
      if (read.bytes < MIN_SAMPLE_BYTES) return { roundTripSeconds, failure: `the source's largest image is too small to time (${read.bytes} bytes read)` };
      return { roundTripSeconds, read };
    } catch (error) {
      failure = `reading image ${candidate.name} from the source: ${reasonOf(error)}`;
    }
  }
  return { roundTripSeconds, failure };
}

/** Median seconds of ROUND_TRIPS calls in a row. */
async function timeCalls(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i += 1) {
    const start = performance.now();
    await call();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** Up to `limits.bytes` of an image's data, timed from the answer's headers to the last byte read. */
async function readSome(client: ServiceClient, id: string, limits: ProbeLimits, expired: AbortSignal): Promise<{ bytes: number; seconds: number }> {
  const path = client.url('images', id, 'file');
  const ranged = { headers: { Range: `bytes=0-${limits.bytes - 1}` }, okCodes: [200, 206] };
  const res = await client.download(path, ranged).catch((error: unknown) => {
    if (isStatus(error, 416)) return client.download(path, { okCodes: [200] });
    throw error;
  });
  // The deadline passed while the headers came: drop the body unread.
  if (expired.aborted) {
    res.data.destroy();
    throw new Error('the deadline passed');
  }
  return timedRead(res.data, limits, expired);
}

async function timedRead(stream: Readable, limits: ProbeLimits, expired: AbortSignal): Promise<{ bytes: number; seconds: number }> {
  const start = performance.now();
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      if (bytes >= limits.bytes || performance.now() - start >= limits.readMs || expired.aborted) break;
    }
  } finally {
    stream.destroy();
  }
  return { bytes, seconds: (performance.now() - start) / 1000 };
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
