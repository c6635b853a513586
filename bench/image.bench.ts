/**
 * bench:image — streams a 1 GiB image from the source sandbox's Glance to the target's with
 * Pumphouse's transfer (download piped into upload, metered on the way), and, in the
 * same run, the baseline: the same image as a plain download piped into a plain upload (node's
 * http, nothing else). The sandbox runs in a child process, so RSS is Pumphouse's own. Prints,
 * last, one line:
 *   {"bench":"image","bytes":N,"seconds":S,"baselineSeconds":B,"ratio":B/S,"peakRssMB":M}
 * Targets: ratio ≥ 0.9, peakRssMB ≤ 200.
 */
import { request } from 'node:http';
import { loadConfig } from '../src/config/load.js';
import { collectAll, connect, image, type Cloud } from '../src/openstack/index.js';
import { transferImageData } from '../src/migrate/image-transfer.js';
import { peakRssMB, round, runBench } from './lib/report.js';
import { startSandboxProcess } from './lib/sandbox-process.js';

const MIB = 1 << 20;
const SIZE_MIB = Number(process.env['PUMPHOUSE_BENCH_IMAGE_MIB'] ?? 1024);

async function main(): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess('demo', ['--bench-image-mib', String(SIZE_MIB), '--transition-ms', '0']);
  let line: Record<string, unknown>;
  try {
    const config = loadConfig(sandbox.configPath);
    const [source, target] = await Promise.all([connect(config.source), connect(config.target)]) as [Cloud, Cloud];
    const sourceImages = await source.image();
    const targetImages = await target.image();
    const bench = (await collectAll(image.images.list(sourceImages))).find((i) => i.name === 'bench-image');
    if (!bench) throw new Error('the sandbox has no bench-image (needs --bench-image-mib)');
    const record = () => ({ name: 'bench-copy', disk_format: bench.disk_format ?? 'raw', container_format: bench.container_format ?? 'bare' });

    // Baseline: GET …/file piped straight into PUT …/file, nothing in between.
    const plainTarget = await image.images.create(targetImages, record());
    const sourceToken = await source.session.token();
    const targetToken = await target.session.token();
    const b0 = performance.now();
    await plainPipe(`${sourceImages.baseUrl}/images/${bench.id}/file`, sourceToken, `${targetImages.baseUrl}/images/${plainTarget.id}/file`, targetToken, bench.size ?? undefined);
    const baselineSeconds = (performance.now() - b0) / 1000;

    const ours = await image.images.create(targetImages, record());
    const noProgress = { progress: () => undefined, signal: new AbortController().signal };
    const t0 = performance.now();
    const result = await transferImageData(source, bench.id, target, ours.id, noProgress);
    const seconds = (performance.now() - t0) / 1000;
    const copied = await image.images.get(targetImages, ours.id);
    if (copied.checksum !== bench.checksum) throw new Error(`the copy's checksum ${copied.checksum} is not the source's ${bench.checksum}`);
    source.close();
    target.close();
    line = {
      bench: 'image', bytes: result.bytes, seconds: round(seconds), baselineSeconds: round(baselineSeconds), ratio: round(baselineSeconds / seconds),
      peakRssMB: peakRssMB(),
    };
  } finally {
    await sandbox.stop();
  }
  return line;
}

/** The plainest copy there is: one GET response piped into one PUT request. */
function plainPipe(from: string, fromToken: string, to: string, toToken: string, size: number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    request(from, { headers: { 'X-Auth-Token': fromToken } }, (download) => {
      const upload = request(to, {
        method: 'PUT',
        headers: { 'X-Auth-Token': toToken, 'Content-Type': 'application/octet-stream', ...(size !== undefined ? { 'Content-Length': String(size) } : {}) },
      }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`baseline upload answered ${res.statusCode}`))));
      });
      upload.on('error', reject);
      download.pipe(upload);
    }).on('error', reject).end();
  });
}

runBench('image', main);
