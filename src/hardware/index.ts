/**
 * The power driver for a BMC as pumphouse.yaml describes it. One place decides which protocol
 * speaks to which host, so commands and steps never name a driver.
 */
import { IpmitoolDriver } from './ipmitool.js';
import type { PowerDriver } from './power.js';
import type { BmcSpec } from '../config/types.js';
import { RedfishDriver } from './redfish.js';

export type { PowerDriver, PowerState } from './power.js';
export { HARDWARE_CODES } from './power.js';

export function powerDriverFor(spec: BmcSpec): PowerDriver {
  return spec.driver === 'redfish' ? new RedfishDriver(spec) : new IpmitoolDriver(spec);
}
