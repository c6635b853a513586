import { cloudFromCloudsYaml } from '../../src/config/load.js';
import { defineCloudContracts } from '../contract/cloud-contracts.js';
import { realCloudNames } from './real-clouds.js';

// The cloud contracts against real OpenStack clouds named in clouds.yaml.
// The first is the seeded source (test/real/seed-source.sh); the second a fresh target.
realCloudNames().forEach((name, index) => {
  defineCloudContracts({ name, workloads: index === 0, config: () => cloudFromCloudsYaml(name) });
});
