import type { CloudConfig } from '../../src/config/types.js';
import type { SimCloudInfo } from '../../src/simulator/sandbox.js';

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
