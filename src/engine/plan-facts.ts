/**
 * What a front end may ask of a plan it got from the engine, apart from the facade so that
 * commands that show no plan (`validate`, `--version`) do not load it.
 */
/** Whether a plan changes anything (creates, updates, moves, conflicts or host changes). */
export { hasChanges } from '../execution-plan/plan.js';
