/** The Fuel (Nailgun) simulator. See SPEC.md. */
export { FuelSimulator } from './server.js';
export type { AgentEvent, ErrorFormat, FuelSimulatorOptions, NodeReadyEvent } from './server.js';
export { agentBody } from './agent.js';
