import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { isPumphouseError, type PumphouseError } from '../../src/errors.js';
import { OneAtATime } from '../../src/hardware/one-at-a-time.js';
import { HARDWARE_CODES } from '../../src/hardware/power.js';
import type { BmcSpec } from '../../src/config/types.js';
import { RedfishDriver, type RedfishDriverOptions } from '../../src/hardware/redfish.js';
import { RedfishBmcSimulator, type RedfishBmcOptions, type SimulatedRedfishBmc } from '../../src/simulator/hardware/redfish-bmc.js';
import { HardwareWorld, type BootEvent } from '../../src/simulator/hardware/world.js';

// The Redfish driver against the Redfish BMC simulator, both over real HTTP on 127.0.0.1, with
// HardwareWorld as the ground truth of what the machines did.

const PASSWORD = 'Tr0ub4dor&3-bmc';
const WRONG_PASSWORD = 'correct-horse-battery';
/** Short backoff so retry paths take milliseconds. */
const FAST_RETRY: RedfishDriverOptions = { retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 } };

let world: HardwareWorld;
let sim: RedfishBmcSimulator;
let boots: { machine: string; device: BootEvent['device']; cause: BootEvent['cause'] }[];

beforeEach(() => {
  world = new HardwareWorld();
  sim = new RedfishBmcSimulator(world);
  boots = [];
  world.onBoot((e) => boots.push({ machine: e.machine.name, device: e.device, cause: e.cause }));
});

afterEach(async () => {
  const leaked = sim.all().filter((bmc) => bmc.liveSessions > 0).map((bmc) => bmc.machineName);
  await sim.close();
  assert.deepEqual(leaked, [], 'every session the driver opened is deleted');
});

async function machineWithBmc(name: string, power: 'on' | 'off' = 'on', options: RedfishBmcOptions = {}): Promise<SimulatedRedfishBmc> {
  world.add({
    name,
    serial: `SN-${name}`,
    manufacturer: 'Dell Inc.',
    product: 'PowerEdge R640',
    power,
    nics: [{ name: 'eth0', mac: `52:54:00:00:00:${String(world.all().length).padStart(2, '0')}`, pxe: true }],
    disks: [{ name: 'sda', sizeBytes: 480e9, model: 'SSDSC2KB480G8' }],
    memoryBytes: 64 * 2 ** 30,
    cpus: 32,
  });
  return sim.addBmc(name, { username: 'root', password: PASSWORD, ...options });
}

function driverFor(bmc: SimulatedRedfishBmc, spec: Partial<BmcSpec> = {}, options: RedfishDriverOptions = FAST_RETRY): RedfishDriver {
  return new RedfishDriver({ ...bmc.spec, timeoutMs: 3000, ...spec }, options);
}

/** Awaits a rejection with `code` and checks that no secret is anywhere in the error. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PumphouseError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(isPumphouseError(error), `a PumphouseError, got ${inspect(error)}`);
  assert.equal(error.code, code, error.message);
  const everything = `${error.message}\n${error.hint ?? ''}\n${inspect(error, { depth: Infinity, showHidden: true })}`;
  for (const secret of [PASSWORD, WRONG_PASSWORD, Buffer.from(`root:${PASSWORD}`).toString('base64'), Buffer.from(`root:${WRONG_PASSWORD}`).toString('base64')]) {
    assert.ok(!everything.includes(secret), `the error shows a secret: ${everything}`);
  }
  return error;
}

function requestsTo(bmc: SimulatedRedfishBmc, method: string, pathPattern: RegExp): { status: number | undefined; ifMatch: string | undefined }[] {
  return bmc.requests.filter((r) => r.method === method && pathPattern.test(r.path)).map((r) => ({ status: r.status, ifMatch: r.ifMatch }));
}

const RESET = /ComputerSystem\.Reset$/;
const SYSTEM = /\/Systems\/1$/;

describe('Redfish driver against the simulated BMC', () => {
  it('reads the power state through a session it deletes afterwards', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    const driver = driverFor(bmc);
    assert.equal(driver.description, `redfish http://127.0.0.1:${bmc.port}`);
    assert.equal(await driver.powerState(), 'on');
    world.powerOff('cmp-1');
    assert.equal(await driver.powerState(), 'off');
    assert.equal(bmc.sessionsCreated, 2, 'one session per call');
    assert.equal(bmc.liveSessions, 0);
    assert.ok(bmc.requests.filter((r) => r.path.startsWith('/redfish/v1/Systems')).every((r) => r.auth === 'session'));
    assert.equal(boots.length, 0, 'reading changes nothing');
  });

  it('powers off and on, and does not reset a machine already in the wanted state', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    const driver = driverFor(bmc);
    await driver.powerOff();
    assert.equal(world.get('cmp-1')?.power, 'off');
    await driver.powerOff();
    await driver.powerOn();
    assert.equal(world.get('cmp-1')?.power, 'on');
    await driver.powerOn();
    assert.deepEqual(boots, [{ machine: 'cmp-1', device: 'disk', cause: 'power-on' }]);
    assert.equal(requestsTo(bmc, 'POST', RESET).length, 2, 'ForceOff and On only; the repeated calls sent no Reset');
  });

  it('boots a machine that is on from the network: one PXE boot by reset, override cleared after', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    await driverFor(bmc).bootFromNetwork();
    assert.deepEqual(boots, [{ machine: 'cmp-1', device: 'pxe', cause: 'reset' }]);
    assert.equal(world.get('cmp-1')?.bootOverride, 'none');
    assert.equal(world.get('cmp-1')?.power, 'on');
    const order = bmc.requests.filter((r) => r.method === 'PATCH' || RESET.test(r.path)).map((r) => r.method);
    assert.deepEqual(order, ['PATCH', 'POST'], 'the override first, then the reset');
  });

  it('boots a machine that is off from the network by powering it on', async () => {
    const bmc = await machineWithBmc('cmp-2', 'off');
    await driverFor(bmc).bootFromNetwork();
    assert.deepEqual(boots, [{ machine: 'cmp-2', device: 'pxe', cause: 'power-on' }]);
    assert.equal(world.get('cmp-2')?.power, 'on');
    assert.equal(world.get('cmp-2')?.bootOverride, 'none');
  });

  it('sends If-Match with the etag to a BMC that requires it', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on', { requireIfMatch: true });
    const etagBefore = bmc.etag();
    await driverFor(bmc).bootFromNetwork();
    assert.deepEqual(requestsTo(bmc, 'PATCH', SYSTEM), [{ status: 200, ifMatch: etagBefore }]);
    assert.notEqual(bmc.etag(), etagBefore, 'the etag follows the machine');
    assert.deepEqual(boots, [{ machine: 'cmp-1', device: 'pxe', cause: 'reset' }]);
  });

  it('reads the system again when its etag changed between the read and the PATCH (412)', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on', { requireIfMatch: true });
    let raced = false;
    bmc.onRequest((r) => {
      // Someone else touches the machine right after the driver read it.
      if (!raced && r.method === 'GET' && SYSTEM.test(r.path)) {
        raced = true;
        world.setBootOverride('cmp-1', 'disk');
      }
    });
    await driverFor(bmc).bootFromNetwork();
    assert.deepEqual(requestsTo(bmc, 'PATCH', SYSTEM).map((r) => r.status), [412, 200]);
    assert.deepEqual(boots, [{ machine: 'cmp-1', device: 'pxe', cause: 'reset' }]);
  });

  it('uses Basic authentication when the service has no SessionService', async () => {
    const bmc = await machineWithBmc('cmp-1', 'off', { sessionService: false });
    await driverFor(bmc).bootFromNetwork();
    assert.equal(bmc.sessionsCreated, 0);
    assert.equal(requestsTo(bmc, 'POST', /Sessions/).length, 0);
    const authenticated = bmc.requests.filter((r) => r.path.startsWith('/redfish/v1/Systems'));
    assert.ok(authenticated.length >= 3 && authenticated.every((r) => r.auth === 'basic'), inspect(authenticated));
    assert.deepEqual(boots, [{ machine: 'cmp-1', device: 'pxe', cause: 'power-on' }]);
  });

  it('reports a wrong password as PH1801 without retrying and without showing it', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    const error = await rejectsWith(driverFor(bmc, { password: WRONG_PASSWORD }).bootFromNetwork(), HARDWARE_CODES.authFailed);
    assert.match(error.message, new RegExp(`^redfish http://127\\.0\\.0\\.1:${bmc.port}: .*"root"`));
    assert.equal(requestsTo(bmc, 'POST', /Sessions/).length, 1, 'credentials are not tried twice');
    assert.equal(boots.length, 0);

    const basicOnly = await machineWithBmc('cmp-2', 'on', { sessionService: false });
    await rejectsWith(driverFor(basicOnly, { password: WRONG_PASSWORD }).powerState(), HARDWARE_CODES.authFailed);
  });

  it('reports a BMC that never answers as PH1802 within timeoutMs', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    bmc.faults.update({ unresponsive: true });
    const timeoutMs = 400;
    const started = performance.now();
    const error = await rejectsWith(driverFor(bmc, { timeoutMs }).bootFromNetwork(), HARDWARE_CODES.unreachable);
    const elapsed = performance.now() - started;
    assert.match(error.message, /no answer within 400 ms/);
    assert.ok(elapsed >= timeoutMs - 20, `gave up after ${elapsed} ms, before its timeout`);
    assert.ok(elapsed < timeoutMs + 600, `took ${elapsed} ms for a ${timeoutMs} ms timeout`);
    assert.equal(boots.length, 0);
  });

  it('reports a refused connection as PH1802 after a few quick retries', async () => {
    const port = await closedPort();
    const driver = new RedfishDriver({ driver: 'redfish', address: '127.0.0.1', port, scheme: 'http', username: 'root', password: PASSWORD, timeoutMs: 2000 }, FAST_RETRY);
    const started = performance.now();
    const error = await rejectsWith(driver.powerState(), HARDWARE_CODES.unreachable);
    assert.match(error.message, /connection refused/);
    assert.ok(performance.now() - started < 2000, 'within timeoutMs');
  });

  it('retries reads on 503 but never a Reset, and logs out after a failure', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    const driver = driverFor(bmc);
    bmc.faults.update({ failCalls: [{ route: `GET ~${SYSTEM.source}`, nth: 1, times: 2, status: 503 }] });
    assert.equal(await driver.powerState(), 'on');
    assert.deepEqual(requestsTo(bmc, 'GET', SYSTEM).map((r) => r.status), [503, 503, 200]);

    bmc.faults.update({ failCalls: [{ route: `POST ~${RESET.source}`, nth: 1, status: 503, message: 'The BMC is busy updating its firmware.' }] });
    const error = await rejectsWith(driver.bootFromNetwork(), HARDWARE_CODES.commandFailed);
    assert.match(error.message, /POST \/redfish\/v1\/Systems\/1\/Actions\/ComputerSystem\.Reset answered 503: The BMC is busy updating its firmware\./);
    assert.equal(requestsTo(bmc, 'POST', RESET).length, 1, 'a Reset is not repeated: two would boot twice');
    assert.equal(boots.length, 0);
    assert.equal(bmc.liveSessions, 0);
  });

  it('shows the Redfish message of a refusal, with the password masked if the BMC echoes it', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    bmc.faults.update({ failCalls: [{ route: 'PATCH /**', nth: 1, status: 400, message: `Property Password (value ${PASSWORD}) is not valid here.` }] });
    const error = await rejectsWith(driverFor(bmc).bootFromNetwork(), HARDWARE_CODES.commandFailed);
    assert.match(error.message, /PATCH \/redfish\/v1\/Systems\/1 answered 400: Property Password \(value \*\*\*\) is not valid here\./);
    assert.equal(requestsTo(bmc, 'POST', RESET).length, 0, 'no reset without the override');
  });

  it('refuses a BMC that does not offer PXE, before touching the machine', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on', { bootTargets: ['None', 'Hdd'] });
    const error = await rejectsWith(driverFor(bmc).bootFromNetwork(), HARDWARE_CODES.commandFailed);
    assert.match(error.message, /does not offer Pxe/);
    assert.equal(requestsTo(bmc, 'PATCH', SYSTEM).length + requestsTo(bmc, 'POST', RESET).length, 0);
  });

  it('speaks https to a BMC with a self-signed certificate when verifyTls is false, and refuses it otherwise', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on', { tls: selfSignedCertificate() });
    assert.equal(bmc.spec.scheme, 'https');
    assert.equal(await driverFor(bmc, { verifyTls: false }).powerState(), 'on');
    const error = await rejectsWith(driverFor(bmc).powerState(), HARDWARE_CODES.unreachable);
    assert.match(error.message, /^redfish https:\/\/127\.0\.0\.1:\d+: TLS failed/);
    assert.match(error.hint ?? '', /verifyTls: false/);

    const plain = await machineWithBmc('cmp-2', 'on');
    const mismatch = await rejectsWith(driverFor(plain, { scheme: 'https' }).powerState(), HARDWARE_CODES.unreachable);
    assert.match(mismatch.message, /does not speak TLS on this port/);
  });

  it('serialises two drivers of one BMC: never two requests in flight', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    bmc.faults.update({ latencyMs: 10 });
    await Promise.all([driverFor(bmc).bootFromNetwork(), driverFor(bmc).bootFromNetwork()]);
    assert.equal(bmc.maxInFlight, 1);
    assert.deepEqual(boots.map((b) => `${b.device}/${b.cause}`), ['pxe/reset', 'pxe/reset']);
  });

  it('detects overlap when the queue is bypassed (the check above can fail)', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    bmc.faults.update({ latencyMs: 10 });
    const separateQueues = (): RedfishDriver => driverFor(bmc, {}, { ...FAST_RETRY, queue: new OneAtATime() });
    await Promise.all([separateQueues().powerState(), separateQueues().powerState()]);
    assert.ok(bmc.maxInFlight >= 2, `max in flight ${bmc.maxInFlight}`);
  });

  it('talks to different BMCs in parallel', async () => {
    const one = await machineWithBmc('cmp-1', 'on');
    const two = await machineWithBmc('cmp-2', 'off');
    for (const bmc of [one, two]) bmc.faults.update({ latencyMs: 10 });
    await Promise.all([driverFor(one).bootFromNetwork(), driverFor(two).bootFromNetwork()]);
    assert.equal(one.maxInFlight, 1);
    assert.equal(two.maxInFlight, 1);
    assert.ok(sim.maxInFlight >= 2, `max in flight across BMCs ${sim.maxInFlight}`);
    assert.deepEqual(boots.map((b) => b.machine).sort(), ['cmp-1', 'cmp-2']);
  });
});

describe('Redfish BMC simulator errors', () => {
  it('answers in Redfish error shape with the right statuses', async () => {
    const bmc = await machineWithBmc('cmp-1', 'on');
    const basic = { Authorization: `Basic ${Buffer.from(`root:${PASSWORD}`).toString('base64')}` };
    const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; messageId: unknown }> => {
      const res = await fetch(`${bmc.origin}${path}`, {
        method,
        headers: { ...basic, 'content-type': 'application/json', ...init.headers },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const body = (await res.json()) as { error?: { code?: string; '@Message.ExtendedInfo'?: { MessageId?: string }[] } };
      assert.equal(body.error?.code, 'Base.1.0.GeneralError', `${method} ${path}`);
      return { status: res.status, messageId: body.error?.['@Message.ExtendedInfo']?.[0]?.MessageId };
    };
    const reset = `${bmc.systemPath}/Actions/ComputerSystem.Reset`;
    assert.deepEqual(await call('GET', bmc.systemPath, { headers: { Authorization: 'Basic cm9vdDp3cm9uZw==' } }), { status: 401, messageId: 'Base.1.0.ResourceAtUriUnauthorized' });
    assert.deepEqual(await call('GET', '/redfish/v1/Systems/2'), { status: 404, messageId: 'Base.1.0.ResourceMissingAtURI' });
    assert.deepEqual(await call('GET', '/redfish/v1/Chassis'), { status: 404, messageId: 'Base.1.0.ResourceMissingAtURI' });
    assert.deepEqual(await call('DELETE', '/redfish/v1/Systems'), { status: 405, messageId: 'Base.1.0.OperationNotAllowed' });
    assert.deepEqual(await call('POST', reset, { body: { ResetType: 'Nmi' } }), { status: 400, messageId: 'Base.1.0.ActionParameterValueNotInList' });
    assert.deepEqual(await call('PATCH', bmc.systemPath, { body: { Boot: { BootSourceOverrideEnabled: 'Once', BootSourceOverrideTarget: 'Floppy' } } }), {
      status: 400,
      messageId: 'Base.1.0.PropertyValueNotInList',
    });
    assert.deepEqual(await call('PATCH', bmc.systemPath, { headers: { 'If-Match': 'W/"stale"' }, body: { Boot: { BootSourceOverrideTarget: 'Pxe' } } }), {
      status: 412,
      messageId: 'Base.1.0.PreconditionFailed',
    });
    bmc.requireIfMatch = true;
    assert.deepEqual(await call('PATCH', bmc.systemPath, { body: { Boot: { BootSourceOverrideTarget: 'Pxe' } } }), { status: 428, messageId: 'Base.1.0.PreconditionRequired' });
    assert.equal(world.get('cmp-1')?.bootOverride, 'none', 'no refused request changed the machine');
    assert.equal(boots.length, 0);
  });
});

/** A throw-away self-signed certificate for 127.0.0.1, as BMCs ship (openssl, a few ms). */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pumphouse-redfish-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
