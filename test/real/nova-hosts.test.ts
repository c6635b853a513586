import { cloudFromCloudsYaml } from '../../src/config/load.js';
import { defineNovaHostContracts } from '../contract/nova-host-contracts.js';
import { realSourceName } from './real-clouds.js';

// The host contracts against the real source cloud (PUMPHOUSE_REAL_SOURCE). Only the source:
// the contract parks and forces down hypervisors, which the target's own tests must not meet.
// Nova needs seconds per move, and up to a resource-tracker period (60 s) for running_vms.
const name = realSourceName();
defineNovaHostContracts({ name, pollMs: 1_000, timeoutMs: 180_000, config: () => cloudFromCloudsYaml(name) });
