/**
 * The Fuel (Nailgun) client: `connectFuel()` gives a FuelClient; layout.ts and discovery.ts hold
 * the pure steps of adding a host to a Fuel environment as a compute node.
 */
export { connectFuel, fuelConnectOptions, FuelClient } from './client.js';
export type { FuelConnectOptions, PollOptions } from './client.js';
export { KeystoneV2Session } from './auth.js';
export type { FuelCredentials } from './auth.js';
export { FUEL_CODES } from './codes.js';
export type { FuelCode } from './codes.js';
export { FuelHttpError, parseFuelErrorMessage } from './errors.js';
export { layoutDisksFrom, assignNetworksFrom, networksByName } from './layout.js';
export type { NetworkIdsByName } from './layout.js';
export { fixedLayoutFor, fixedLayoutProblems, fixedLayoutMismatch } from './fixed-layout.js';
export type { FixedLayoutSpec, FixedLayoutUpdate } from './fixed-layout.js';
export { nodeMacs, findDiscoveredNode, chooseReferenceCompute, waitForDiscoveredNode } from './discovery.js';
export type * from './types.js';
