import { after, before } from 'node:test';
import type { CloudConfig } from '../../src/config/types.js';
import { startSandbox, writeSandboxConfig, type Sandbox, type SimCloudInfo } from '../../src/simulator/sandbox.js';
import { tempFiles } from './tmp.js';

/** Admin connection settings for one sandbox cloud, as pumphouse.yaml would resolve them. */
export function sandboxCloudConfig(info: SimCloudInfo, label: string): CloudConfig {
  return {
    label,
    auth_type: 'password',
    auth: {
      auth_url: info.authUrl,
      username: info.username,
      password: info.password,
      project_name: info.projectName,
      user_domain_name: info.userDomainName,
      project_domain_name: info.projectDomainName,
    },
    region_name: info.regionName,
    interface: 'public',
    verify: true,
  };
}

/**
 * A demo-scenario sandbox for the tests of one file, served by the test process, with its
 * clouds.yaml and pumphouse.yaml written to a temp folder; started before and stopped after.
 */
export function sandboxForTests(): { sandbox: () => Sandbox; files: () => ReturnType<typeof tempFiles> } {
  let sandbox: Sandbox | undefined;
  let files: ReturnType<typeof tempFiles> | undefined;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
    files = tempFiles({});
    writeSandboxConfig(files.dir, sandbox);
  });
  after(async () => {
    await sandbox?.stop();
    files?.cleanup();
  });
  return { sandbox: () => sandbox!, files: () => files! };
}

/** A sandbox of its own for one test, with its config files; `stop()` removes both. */
export async function privateSandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<{ sandbox: Sandbox; files: ReturnType<typeof tempFiles>; config: string; stop(): Promise<void> }> {
  const sandbox = await startSandbox({ scenario: 'demo', portBase: 0, ...options });
  const files = tempFiles({});
  writeSandboxConfig(files.dir, sandbox);
  return {
    sandbox,
    files,
    config: files.path('pumphouse.yaml'),
    stop: async () => {
      await sandbox.stop();
      files.cleanup();
    },
  };
}
