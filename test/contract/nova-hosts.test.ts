import { after, before } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/simulator/sandbox.js';
import type { CloudConfig } from '../../src/config/types.js';
import { defineNovaHostContracts } from './nova-host-contracts.js';
import { sandboxCloudConfig } from '../helpers/sandbox.js';

// The host contracts against the sandbox's source cloud (the demo scenario, three hosts): the
// same assertions test/real/nova-hosts.test.ts runs against real OpenStack.
let sandbox: Sandbox | undefined;

before(async () => {
  sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
});
after(async () => {
  await sandbox?.stop();
});

defineNovaHostContracts({
  name: 'sandbox',
  pollMs: 20,
  timeoutMs: 5_000,
  config: (): CloudConfig => {
    if (!sandbox) throw new Error('the sandbox did not start');
    return sandboxCloudConfig(sandbox.source, 'sandbox');
  },
});
