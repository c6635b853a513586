import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PumphouseError } from '../../src/errors.js';
import { IpmitoolDriver, type IpmitoolDriverOptions } from '../../src/hardware/ipmitool.js';
import { HARDWARE_CODES } from '../../src/hardware/power.js';
import type { BmcSpec } from '../../src/config/types.js';
import { startBmcs, type SimulatedBmcs } from './bmc-sim.js';

/**
 * The ipmitool driver against real IPMI v2 BMCs: OpenIPMI's ipmi_sim on loopback UDP ports,
 * spoken to by the real ipmitool binary. Needs `apt-get install openipmi ipmitool`.
 */

// Random per run, so a message that leaked it could not match by chance. IPMI v2 passwords
// are at most 20 bytes: 19 and 20 here.
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const WRONG_PASSWORD = `bad-${randomBytes(8).toString('hex')}`;

// BMC 1: power on/off. BMC 2: boot with the host on. BMC 3: boot with the host off.
const POWER_BMC = 1;
const BOOT_ON_BMC = 2;
const BOOT_OFF_BMC = 3;

let bmcs: SimulatedBmcs;
const errorsSeen: PumphouseError[] = [];

function driverFor(port: number, overrides: Partial<BmcSpec> = {}, options: IpmitoolDriverOptions = {}): IpmitoolDriver {
  return new IpmitoolDriver({ driver: 'ipmitool', address: '127.0.0.1', port, username: bmcs.user, password: PASSWORD, timeoutMs: 10_000, ...overrides }, options);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

/** The PumphouseError `work` rejects with, and how long it took. */
async function failure(work: () => Promise<unknown>): Promise<{ error: PumphouseError; ms: number }> {
  const started = performance.now();
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof PumphouseError, `a PumphouseError, got ${String(error)}`);
    errorsSeen.push(error);
    return { error, ms: Math.round(performance.now() - started) };
  }
  assert.fail('expected a rejection');
}

/** The chassis calls in a BMC's log, without their timestamps: "set boot pxe", "boot event=reset bootdev=pxe". */
function chassisCalls(index: number): string[] {
  return bmcs.chassisLog(index).map((line) => line.replace(/^\S+ /, ''));
}

function timestampOf(index: number, call: string): number {
  const line = bmcs.chassisLog(index).find((l) => l.endsWith(` ${call}`));
  assert.ok(line, `no "${call}" in the chassis log of bmc-${index}`);
  return Number(line.split(' ')[0]);
}

describe('ipmitool driver against ipmi_sim BMCs', () => {
  before(async () => {
    bmcs = await startBmcs(3, PASSWORD);
  });

  after(async () => {
    await bmcs?.stop();
  });

  test('power status, on and off change the real BMC state', async (t) => {
    bmcs.setPower(POWER_BMC, false);
    const driver = driverFor(bmcs.port(POWER_BMC));
    const status = await timed(() => driver.powerState());
    assert.equal(status.value, 'off');
    const on = await timed(() => driver.powerOn());
    assert.equal(bmcs.power(POWER_BMC), '1');
    assert.equal(await driver.powerState(), 'on');
    const off = await timed(() => driver.powerOff());
    assert.equal(bmcs.power(POWER_BMC), '0');
    assert.equal(await driver.powerState(), 'off');
    t.diagnostic(`latency: status ${status.ms} ms, on ${on.ms} ms, off ${off.ms} ms`);
    for (const ms of [status.ms, on.ms, off.ms]) assert.ok(ms < 3000, `a call took ${ms} ms`);
  });

  test('bootFromNetwork, host on: PXE set, then a prompt reset that boots from it; the override is then cleared', async (t) => {
    bmcs.setPower(BOOT_ON_BMC, true);
    bmcs.clearChassisLog(BOOT_ON_BMC);
    const boot = await timed(() => driverFor(bmcs.port(BOOT_ON_BMC)).bootFromNetwork());
    const calls = chassisCalls(BOOT_ON_BMC);
    const pxe = calls.indexOf('set boot pxe');
    const reset = calls.indexOf('set reset 1');
    assert.ok(pxe >= 0 && reset > pxe, `PXE then reset: ${calls.join(' | ')}`);
    assert.equal(calls[reset + 1], 'boot event=reset bootdev=pxe', 'the reset booted from the network');
    assert.equal(calls.includes('set power 1'), false, 'a host that is on is reset, not powered on');
    const gap = timestampOf(BOOT_ON_BMC, 'set reset 1') - timestampOf(BOOT_ON_BMC, 'set boot pxe');
    assert.ok(gap < 5, `${gap.toFixed(2)} s between PXE and reset: the flag lives 60 s`);
    assert.equal(bmcs.boot(BOOT_ON_BMC), 'none', 'next boot only: the override is gone after the boot');
    assert.equal(bmcs.power(BOOT_ON_BMC), '1');
    t.diagnostic(`bootFromNetwork (on) ${boot.ms} ms, PXE→reset ${(gap * 1000).toFixed(0)} ms`);
  });

  test('bootFromNetwork, host off: PXE set, then power on that boots from it', async (t) => {
    bmcs.setPower(BOOT_OFF_BMC, false);
    bmcs.clearChassisLog(BOOT_OFF_BMC);
    const boot = await timed(() => driverFor(bmcs.port(BOOT_OFF_BMC)).bootFromNetwork());
    const calls = chassisCalls(BOOT_OFF_BMC);
    const pxe = calls.indexOf('set boot pxe');
    const powerOn = calls.indexOf('set power 1');
    assert.ok(pxe >= 0 && powerOn > pxe, `PXE then power on: ${calls.join(' | ')}`);
    assert.equal(calls[powerOn + 1], 'boot event=power_on bootdev=pxe', 'the power on booted from the network');
    assert.equal(calls.includes('set reset 1'), false, 'a host that is off is powered on, not reset');
    assert.equal(bmcs.power(BOOT_OFF_BMC), '1');
    assert.equal(bmcs.boot(BOOT_OFF_BMC), 'none');
    t.diagnostic(`bootFromNetwork (off) ${boot.ms} ms`);
  });

  test('calls to one BMC and to several at once all succeed', async (t) => {
    const drivers = [1, 2, 3].map((index) => driverFor(bmcs.port(index)));
    const [first] = drivers;
    assert.ok(first);
    const run = await timed(() => Promise.all([...drivers.map((d) => d.powerState()), first.powerState(), first.powerState()]));
    assert.equal(run.value.length, 5);
    for (const state of run.value) assert.match(state, /^(on|off)$/);
    t.diagnostic(`5 status calls (3 to one BMC, serialised; 2 others in parallel): ${run.ms} ms`);
  });

  test('wrong password: PH1801 quickly, neither password in the error', async (t) => {
    const { error, ms } = await failure(() => driverFor(bmcs.port(POWER_BMC), { password: WRONG_PASSWORD }).powerState());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.match(error.message, new RegExp(`^ipmitool 127\\.0\\.0\\.1:${bmcs.port(POWER_BMC)}: .*RAKP 2 HMAC is invalid`));
    assert.ok(ms < 3000, `took ${ms} ms`);
    for (const secret of [PASSWORD, WRONG_PASSWORD]) assert.ok(!`${error.message} ${error.hint}`.includes(secret));
    t.diagnostic(`wrong password detected in ${ms} ms: ${error.message}`);
  });

  test('a password over the 20 bytes of IPMI v2: PH1801 at once', async () => {
    const { error, ms } = await failure(() => driverFor(bmcs.port(POWER_BMC), { password: `${PASSWORD}-and-more` }).powerState());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.match(error.message, /password is longer than 20 bytes/);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  test('unknown user: PH1801', async () => {
    const { error } = await failure(() => driverFor(bmcs.port(POWER_BMC), { username: 'nobody' }).powerState());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.match(error.message, /"nobody".*unauthorized name/);
  });

  test('no BMC on the port: PH1802 within the configured timeout', async (t) => {
    const { error, ms } = await failure(() => driverFor(bmcs.silentPort, { timeoutMs: 3000 }).powerState());
    assert.equal(error.code, HARDWARE_CODES.unreachable);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${bmcs.silentPort}: no answer from the BMC within 3 s`));
    // ipmitool's own attempt gives up after ~2 s; the -v retry is killed at the 3 s deadline
    // (or not started, if the first attempt left too little of it on a loaded machine).
    assert.ok(ms >= 1900 && ms < 6000, `took ${ms} ms for a 3 s timeout`);
    t.diagnostic(`unreachable reported after ${ms} ms (timeout 3000 ms): ${error.message}`);
  });

  test('cipher suite 17, which ipmi_sim lacks: PH1803 with the cipher_suite hint', async (t) => {
    const { error, ms } = await failure(() => driverFor(bmcs.port(POWER_BMC), { cipherSuite: 17 }).powerState());
    assert.equal(error.code, HARDWARE_CODES.cipherUnsupported);
    assert.match(error.message, /cipher suite 17/);
    assert.match(error.hint ?? '', /cipher_suite/);
    assert.ok(ms < 3000, `took ${ms} ms`);
    t.diagnostic(`cipher suite refusal in ${ms} ms: ${error.message}`);
  });

  test('ipmitool missing: PH1805 with the install hint', async () => {
    const { error } = await failure(() => driverFor(bmcs.port(POWER_BMC), {}, { binary: '/nonexistent/bin/ipmitool' }).powerState());
    assert.equal(error.code, HARDWARE_CODES.toolMissing);
    assert.equal(error.hint, 'apt-get install ipmitool');
  });

  test('no error of this suite carries the password', () => {
    assert.ok(errorsSeen.length >= 5, `${errorsSeen.length} errors collected`);
    for (const error of errorsSeen) {
      const text = `${error.message}\n${error.hint ?? ''}\n${String(error.cause ?? '')}`;
      assert.ok(!text.includes(PASSWORD) && !text.includes(WRONG_PASSWORD), `a password in: ${text}`);
      assert.ok(!text.includes(PASSWORD.slice(3)), 'not even the random part of the password');
    }
  });
});
