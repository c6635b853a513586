import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PumphouseError } from '../../../src/errors.js';
import { IpmitoolDriver, type IpmitoolDriverOptions } from '../../../src/hardware/ipmitool.js';
import type { IpmitoolInvocation, IpmitoolOutcome } from '../../../src/hardware/ipmitool-exec.js';
import { HARDWARE_CODES } from '../../../src/hardware/power.js';
import type { BmcSpec } from '../../../src/config/types.js';
import { sleep } from '../../../src/wait.js';

const PASSWORD = 'hunter2-Very-Secret';
const NO_SESSION = 'Error: Unable to establish IPMI v2 / RMCP+ session\n';
// What ipmitool 1.8.19 prints with -v against ipmi_sim (ipmi.md §3.4, re-measured).
const VERBOSE_PREAMBLE = 'Loading IANA PEN Registry...\n';
const BAD_PASSWORD_VERBOSE = `${VERBOSE_PREAMBLE}> RAKP 2 HMAC is invalid\n${NO_SESSION}`;
const UNKNOWN_USER_VERBOSE = `${VERBOSE_PREAMBLE}RAKP 2 message indicates an error : unauthorized name\n${NO_SESSION}`;
const SILENCE_VERBOSE = `${VERBOSE_PREAMBLE}Get Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\n${NO_SESSION}`;
const CIPHER_17_REFUSED = `Error in open session response message : invalid authentication algorithm\n\n${NO_SESSION}`;

function ok(stdout: string): IpmitoolOutcome {
  return { exitCode: 0, stdout, stderr: '', timedOut: false };
}

function failed(stderr: string): IpmitoolOutcome {
  return { exitCode: 1, stdout: '', stderr, timedOut: false };
}

/** The ipmitool command of an argv: what follows the connection and timing options (and -v). */
function commandOf(args: readonly string[]): string {
  const rest = args.slice(args.indexOf('-R') + 2);
  return (rest[0] === '-v' ? rest.slice(1) : rest).join(' ');
}

type Reply = (invocation: IpmitoolInvocation, index: number) => IpmitoolOutcome | Promise<IpmitoolOutcome>;

/** An exec that records every invocation and answers with `reply`. */
function fakeExec(reply: Reply): { calls: IpmitoolInvocation[]; commands: () => string[]; exec: IpmitoolDriverOptions['exec'] } {
  const calls: IpmitoolInvocation[] = [];
  return {
    calls,
    commands: () => calls.map((c) => commandOf(c.args)),
    exec: async (invocation) => {
      calls.push(invocation);
      return reply(invocation, calls.length - 1);
    },
  };
}

/** Answers chassis commands like a BMC whose host is `power`. */
function chassisReply(initial: 'on' | 'off'): Reply {
  let power = initial;
  return ({ args }) => {
    const command = commandOf(args);
    if (command === 'chassis power status') return ok(`Chassis Power is ${power}\n`);
    if (command === 'chassis power on') {
      power = 'on';
      return ok('Chassis Power Control: Up/On\n');
    }
    if (command === 'chassis power off') {
      power = 'off';
      return ok('Chassis Power Control: Down/Off\n');
    }
    if (command === 'chassis power reset') return ok('Chassis Power Control: Reset\n');
    if (command === 'chassis bootdev pxe') return ok('Set Boot Device to pxe\n');
    if (command.startsWith('raw ')) return ok('\n');
    return failed(`unexpected command ${command}`);
  };
}

let nextHost = 1;
/** A BMC spec with an address of its own, so tests never share a queue key by accident. */
function bmc(overrides: Partial<BmcSpec> = {}): BmcSpec {
  nextHost += 1;
  return { driver: 'ipmitool', address: `10.0.0.${nextHost}`, username: 'admin', password: PASSWORD, ...overrides };
}

const fast: IpmitoolDriverOptions = { random: () => 0, pollIntervalMs: 1 };

async function rejection(promise: Promise<unknown>): Promise<PumphouseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PumphouseError, `a PumphouseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

function assertNoPassword(error: PumphouseError): void {
  assert.ok(!error.message.includes(PASSWORD), `password in message: ${error.message}`);
  assert.ok(!(error.hint ?? '').includes(PASSWORD), `password in hint: ${error.hint}`);
}

describe('ipmitool driver: how ipmitool is run', () => {
  test('the password is only in the environment; argv has the connection, -E and the command', async () => {
    const fake = fakeExec(chassisReply('on'));
    const spec = bmc({ timeoutMs: 7000 });
    const driver = new IpmitoolDriver(spec, { ...fast, exec: fake.exec });
    assert.equal(await driver.powerState(), 'on');
    const [call] = fake.calls;
    assert.ok(call);
    assert.equal(call.file, 'ipmitool');
    assert.deepEqual(call.args, ['-I', 'lanplus', '-C', '3', '-H', spec.address, '-p', '623', '-U', 'admin', '-E', '-N', '1', '-R', '1', 'chassis', 'power', 'status']);
    assert.ok(call.args.every((arg) => !arg.includes(PASSWORD)), 'no argument carries the password');
    assert.equal(call.env.IPMI_PASSWORD, PASSWORD);
    assert.deepEqual(Object.keys(call.env).sort(), ['IPMI_PASSWORD', 'LC_ALL', 'PATH'], "the parent's environment is not passed on");
    assert.ok(call.timeoutMs <= 7000 && call.timeoutMs > 6000, `child timeout ${call.timeoutMs}`);
    assert.equal(driver.description, `ipmitool ${spec.address}:623`);
  });

  test('cipher suite, port and binary come from the spec and options', async () => {
    const fake = fakeExec(chassisReply('off'));
    const driver = new IpmitoolDriver(bmc({ port: 6230, cipherSuite: 17 }), { ...fast, exec: fake.exec, binary: '/opt/ipmi/bin/ipmitool' });
    await driver.powerOff();
    const [call] = fake.calls;
    assert.equal(call?.file, '/opt/ipmi/bin/ipmitool');
    assert.equal(call?.args[call.args.indexOf('-C') + 1], '17');
    assert.equal(call?.args[call.args.indexOf('-p') + 1], '6230');
    assert.deepEqual(fake.commands(), ['chassis power off']);
    assert.match(driver.description, /:6230$/);
  });

  test('refuses a spec of another driver', () => {
    assert.throws(() => new IpmitoolDriver({ ...bmc(), driver: 'redfish' }), /redfish/);
  });
});

describe('ipmitool driver: power', () => {
  test('reads on and off; power on and off send the chassis commands', async () => {
    const fake = fakeExec(chassisReply('off'));
    const driver = new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec });
    assert.equal(await driver.powerState(), 'off');
    await driver.powerOn();
    assert.equal(await driver.powerState(), 'on');
    await driver.powerOff();
    assert.equal(await driver.powerState(), 'off');
    assert.deepEqual(fake.commands(), ['chassis power status', 'chassis power on', 'chassis power status', 'chassis power off', 'chassis power status']);
  });

  test('output without a power state is PH1804', async () => {
    const fake = fakeExec(() => ok('Chassis Power is unknown\n'));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.commandFailed);
    assert.match(error.message, /no power state.*unknown/);
  });
});

describe('ipmitool driver: boot from the network', () => {
  test('host on: keep-flags, PXE as next boot, status, then reset', async () => {
    const fake = fakeExec(chassisReply('on'));
    await new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).bootFromNetwork();
    assert.deepEqual(fake.commands(), ['raw 0x00 0x08 0x03 0x08', 'chassis bootdev pxe', 'chassis power status', 'chassis power reset']);
  });

  test('host off: PXE as next boot, then power on, then checks it came on', async () => {
    const fake = fakeExec(chassisReply('off'));
    await new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).bootFromNetwork();
    assert.deepEqual(fake.commands(), ['raw 0x00 0x08 0x03 0x08', 'chassis bootdev pxe', 'chassis power status', 'chassis power on', 'chassis power status']);
  });

  test('a BMC that refuses the keep-flags parameter still boots', async () => {
    const chassis = chassisReply('on');
    const fake = fakeExec((invocation, index) =>
      commandOf(invocation.args).startsWith('raw ')
        ? failed('Unable to send RAW command (channel=0x0 netfn=0x0 lun=0x0 cmd=0x8 rsp=0x80): Unknown (0x80)\n')
        : chassis(invocation, index));
    await new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).bootFromNetwork();
    assert.deepEqual(fake.commands().slice(1), ['chassis bootdev pxe', 'chassis power status', 'chassis power reset']);
  });

  test('a host that stays off after power on is PH1804 once the timeout has passed', async () => {
    const fake = fakeExec(({ args }) => (commandOf(args) === 'chassis power status' ? ok('Chassis Power is off\n') : ok('\n')));
    const started = Date.now();
    const error = await rejection(new IpmitoolDriver(bmc({ timeoutMs: 200 }), { ...fast, pollIntervalMs: 20, exec: fake.exec }).bootFromNetwork());
    assert.equal(error.code, HARDWARE_CODES.commandFailed);
    assert.match(error.message, /still off/);
    assert.ok(Date.now() - started < 1000, 'gave up near its timeout');
    assert.ok(fake.commands().filter((c) => c === 'chassis power status').length >= 3, 'polled the power state');
  });

  test('refused credentials stop the sequence at its first step', async () => {
    const fake = fakeExec(({ args }) => failed(args.includes('-v') ? BAD_PASSWORD_VERBOSE : NO_SESSION));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).bootFromNetwork());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.deepEqual(new Set(fake.commands()), new Set(['raw 0x00 0x08 0x03 0x08']));
  });
});

describe('ipmitool driver: one BMC at a time, BMCs in parallel', () => {
  /** An exec that takes `ms` per call and records the most calls in flight, per BMC and overall. */
  function slowExec(ms: number): { exec: IpmitoolDriverOptions['exec']; maxPerBmc: Map<string, number>; maxOverall: () => number } {
    const inFlight = new Map<string, number>();
    const maxPerBmc = new Map<string, number>();
    let overall = 0;
    let maxOverall = 0;
    const exec: IpmitoolDriverOptions['exec'] = async ({ args }) => {
      const key = `${args[args.indexOf('-H') + 1]}:${args[args.indexOf('-p') + 1]}`;
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      maxPerBmc.set(key, Math.max(maxPerBmc.get(key) ?? 0, inFlight.get(key) ?? 0));
      overall += 1;
      maxOverall = Math.max(maxOverall, overall);
      await sleep(ms);
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
      overall -= 1;
      return ok('Chassis Power is on\n');
    };
    return { exec, maxPerBmc, maxOverall: () => maxOverall };
  }

  test('calls to one BMC never overlap, even from two drivers; another BMC runs alongside', async () => {
    const slow = slowExec(40);
    const a = bmc();
    const b = bmc();
    const a1 = new IpmitoolDriver(a, { ...fast, exec: slow.exec });
    const a2 = new IpmitoolDriver({ ...a }, { ...fast, exec: slow.exec });
    const b1 = new IpmitoolDriver(b, { ...fast, exec: slow.exec });
    await Promise.all([a1.powerState(), a2.powerState(), a1.powerOn(), b1.powerState(), b1.powerOff()]);
    assert.equal(slow.maxPerBmc.get(`${a.address}:623`), 1, 'BMC a: one call at a time');
    assert.equal(slow.maxPerBmc.get(`${b.address}:623`), 1, 'BMC b: one call at a time');
    assert.equal(slow.maxOverall(), 2, 'a and b were called at the same time');
  });

  test('the same address on another port is another BMC', async () => {
    const slow = slowExec(30);
    const a = bmc();
    await Promise.all([
      new IpmitoolDriver(a, { ...fast, exec: slow.exec }).powerState(),
      new IpmitoolDriver({ ...a, port: 624 }, { ...fast, exec: slow.exec }).powerState(),
    ]);
    assert.equal(slow.maxOverall(), 2);
  });

  test('a failed call does not hold up the next one to the same BMC', async () => {
    let first = true;
    const fake = fakeExec(() => {
      if (!first) return ok('Chassis Power is off\n');
      first = false;
      return failed('Set Chassis Power Control to Up/On failed: Command not supported in present state\n');
    });
    const driver = new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec });
    const [on, state] = await Promise.allSettled([driver.powerOn(), driver.powerState()]);
    assert.equal(on.status, 'rejected');
    assert.deepEqual(state, { status: 'fulfilled', value: 'off' });
  });
});

describe('ipmitool driver: failures and their codes', () => {
  test('wrong password: one plain attempt, one -v attempt that reads the refusal, PH1801, no more', async () => {
    const spec = bmc();
    const fake = fakeExec(({ args }) => failed(args.includes('-v') ? BAD_PASSWORD_VERBOSE : NO_SESSION));
    const error = await rejection(new IpmitoolDriver(spec, { ...fast, exec: fake.exec }).powerOn());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.equal(fake.calls.length, 2);
    assert.equal(fake.calls[0]?.args.includes('-v'), false);
    assert.equal(fake.calls[1]?.args.includes('-v'), true);
    assert.match(error.message, new RegExp(`^ipmitool ${spec.address.replaceAll('.', '\\.')}:623: .*"admin".*RAKP 2 HMAC is invalid`));
    assert.doesNotMatch(error.message, /IANA/, 'chatter of -v is left out');
    assert.match(error.hint ?? '', /username and password/);
    assertNoPassword(error);
  });

  test('unknown user: PH1801', async () => {
    const fake = fakeExec(({ args }) => failed(args.includes('-v') ? UNKNOWN_USER_VERBOSE : NO_SESSION));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.match(error.message, /unauthorized name/);
  });

  test('a password too long for IPMI v2: PH1801 at once, saying so', async () => {
    const fake = fakeExec(() => failed('lanplus: password is longer than 20 bytes.\n'));
    const error = await rejection(new IpmitoolDriver(bmc({ password: 'a'.repeat(21) }), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.authFailed);
    assert.equal(fake.calls.length, 1);
    assert.match(error.message, /password is longer than 20 bytes/);
    assert.match(error.hint ?? '', /at most 20/);
  });

  test('cipher suite not offered: PH1803 at once, with the cipher_suite hint', async () => {
    const fake = fakeExec(() => failed(CIPHER_17_REFUSED));
    const error = await rejection(new IpmitoolDriver(bmc({ cipherSuite: 17 }), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.cipherUnsupported);
    assert.equal(fake.calls.length, 1);
    assert.match(error.message, /cipher suite 17.*invalid authentication algorithm/);
    assert.match(error.hint ?? '', /cipher_suite.*3 or 17/);
  });

  test('a cipher suite ipmitool itself lacks: PH1803', async () => {
    const fake = fakeExec(() => failed(`Unsupported cipher suite ID : 99\n\n${NO_SESSION}`));
    const error = await rejection(new IpmitoolDriver(bmc({ cipherSuite: 99 }), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.cipherUnsupported);
  });

  test('a refused command: PH1804 with ipmitool stderr, redacted, not retried', async () => {
    const fake = fakeExec(() => failed(`Set Chassis Power Control to Up/On failed: Command not supported in present state\nsent with password=${PASSWORD} (${PASSWORD})\n`));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).powerOn());
    assert.equal(error.code, HARDWARE_CODES.commandFailed);
    assert.equal(fake.calls.length, 1);
    assert.match(error.message, /"ipmitool chassis power on" failed \(exit 1\): Set Chassis Power Control to Up\/On failed: Command not supported in present state/);
    assert.match(error.message, /\*\*\*/);
    assertNoPassword(error);
  });

  test('ipmitool missing: PH1805 with the install hint', async () => {
    const exec: IpmitoolDriverOptions['exec'] = () => Promise.reject(Object.assign(new Error('spawn ipmitool ENOENT'), { code: 'ENOENT' }));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.toolMissing);
    assert.equal(error.hint, 'apt-get install ipmitool');
  });

  test('ipmitool not executable: PH1804', async () => {
    const exec: IpmitoolDriverOptions['exec'] = () => Promise.reject(Object.assign(new Error('spawn /opt/ipmitool EACCES'), { code: 'EACCES' }));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec, binary: '/opt/ipmitool' }).powerState());
    assert.equal(error.code, HARDWARE_CODES.commandFailed);
    assert.match(error.message, /EACCES/);
  });

  test('an address that does not resolve: PH1802 at once', async () => {
    const fake = fakeExec(() => failed(`Address lookup for bmc-7.invalid failed\nCould not open socket!\n${NO_SESSION}`));
    const error = await rejection(new IpmitoolDriver(bmc({ address: 'bmc-7.invalid' }), { ...fast, exec: fake.exec }).powerState());
    assert.equal(error.code, HARDWARE_CODES.unreachable);
    assert.equal(fake.calls.length, 1);
    assert.match(error.message, /does not resolve/);
  });
});

describe('ipmitool driver: retries', () => {
  test('no session: retried with -v until the attempts run out, then PH1802', async () => {
    const fake = fakeExec(({ args }) => failed(args.includes('-v') ? SILENCE_VERBOSE : NO_SESSION));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec, maxAttempts: 4 }).powerState());
    assert.equal(error.code, HARDWARE_CODES.unreachable);
    assert.equal(fake.calls.length, 4);
    assert.deepEqual(fake.calls.map((c) => c.args.includes('-v')), [false, true, true, true]);
    assert.match(error.message, /no answer from the BMC within 20 s \(4 attempts\).*Get Auth Capabilities error/);
    assert.match(error.hint ?? '', /UDP port 623/);
    assertNoPassword(error);
  });

  test('no session, then an answer: the call succeeds', async () => {
    const fake = fakeExec((_invocation, index) => (index === 0 ? failed(NO_SESSION) : ok('Chassis Power is on\n')));
    assert.equal(await new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).powerState(), 'on');
    assert.equal(fake.calls.length, 2);
  });

  test('backs off between attempts', async () => {
    const fake = fakeExec(({ args }) => failed(args.includes('-v') ? SILENCE_VERBOSE : NO_SESSION));
    const started = Date.now();
    // random 1: the full ceiling of each wait, 20 + 40 ms with base 20.
    await rejection(new IpmitoolDriver(bmc(), { exec: fake.exec, maxAttempts: 3, retryBaseDelayMs: 20, random: () => 1 }).powerState());
    const elapsed = Date.now() - started;
    assert.equal(fake.calls.length, 3);
    assert.ok(elapsed >= 55, `waited ${elapsed} ms`);
  });

  test('the timeout bounds the call, retries included; the last attempt is killed at the deadline', async () => {
    // Each attempt takes 600 ms, or is killed at the timeout the driver gives it. With 1150 ms:
    // the first fails at 600 ms, the second gets the 550 ms left and is killed at the deadline.
    const fake = fakeExec(async ({ timeoutMs }) => {
      await sleep(Math.min(timeoutMs, 600));
      return timeoutMs < 600 ? { exitCode: null, stdout: '', stderr: '', timedOut: true } : failed(NO_SESSION);
    });
    const started = Date.now();
    const error = await rejection(new IpmitoolDriver(bmc({ timeoutMs: 1150 }), { ...fast, exec: fake.exec, maxAttempts: 10 }).powerState());
    const elapsed = Date.now() - started;
    assert.equal(error.code, HARDWARE_CODES.unreachable);
    // The upper bound only tells the deadline from ten unbounded 600 ms attempts; a loaded machine adds latency.
    assert.ok(elapsed >= 1100 && elapsed < 4000, `took ${elapsed} ms for a 1150 ms timeout`);
    assert.equal(fake.calls.length, 2, 'retried within the budget');
    assert.equal(fake.calls[0]?.timeoutMs, 1150);
    assert.ok((fake.calls[1]?.timeoutMs ?? Infinity) <= 550, 'the retry gets only what is left');
    assert.match(error.message, /within 1\.\d s \(2 attempts\)/);
    assert.match(error.message, /ipmitool said: Error: Unable to establish/, 'what the first attempt said is kept');
  });

  test('a child killed at the timeout is PH1802 without another attempt', async () => {
    const fake = fakeExec(() => ({ exitCode: null, stdout: '', stderr: '', timedOut: true }));
    const error = await rejection(new IpmitoolDriver(bmc(), { ...fast, exec: fake.exec }).powerOff());
    assert.equal(error.code, HARDWARE_CODES.unreachable);
    assert.equal(fake.calls.length, 1);
  });
});
