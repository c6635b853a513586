import { after, before } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/simulator/sandbox.js';
import type { CloudConfig } from '../../src/config/types.js';
import { defineCloudContracts } from './cloud-contracts.js';

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
    const s = sandbox.source;
    return {
      label: 'sandbox',
      auth_type: 'password',
      auth: { auth_url: s.authUrl, username: s.username, password: s.password, project_name: s.projectName, user_domain_name: s.userDomainName, project_domain_name: s.projectDomainName },
      region_name: s.regionName,
      interface: 'public',
      verify: true,
    };
  },
});
