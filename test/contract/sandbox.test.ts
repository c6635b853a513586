import { after, before } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/simulator/sandbox.js';
import type { CloudConfig } from '../../src/config/types.js';
import { defineCloudContracts } from './cloud-contracts.js';
import { sandboxCloudConfig } from '../helpers/sandbox.js';

// The cloud contracts against the sandbox's source cloud (the demo scenario): the same
// assertions test/real runs against real OpenStack.
let sandbox: Sandbox | undefined;

before(async () => {
  sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
});
after(async () => {
  await sandbox?.stop();
});

defineCloudContracts({
  name: 'sandbox',
  workloads: true,
  config: (): CloudConfig => {
    if (!sandbox) throw new Error('the sandbox did not start');
    return sandboxCloudConfig(sandbox.source, 'sandbox');
  },
});
