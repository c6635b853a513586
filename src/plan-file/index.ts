/**
 * Plan files: the operator's desired state (schemas/plan.schema.json) read into a DesiredState,
 * with every problem located in the file.
 */
export { loadPlanFile, PLAN_FILE_CODES } from './load.js';
export type { LoadedPlan } from './load.js';
export { RULES } from './rules.js';
