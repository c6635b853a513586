import type { ExecutionPlan } from '../execution-plan/plan.js';

/**
 * How the engine asks its front end something. It reports through one event sink (the
 * engine's `events`) and asks through this: the CLI answers from the terminal (or
 * `--auto-approve`), the API from the request (a POST that starts an apply is its approval).
 */
export interface EngineIo {
  /** The plan an apply is about to carry out, before anything changes (the CLI prints it). */
  review?(plan: ExecutionPlan): void;
  /** Whether to carry out `plan` (asked only for a plan that can be applied and changes something). */
  approve(plan: ExecutionPlan): Promise<boolean>;
}

/** Approves every plan without a word: `--auto-approve`, and the API (its request is the approval). */
export const autoApprove: EngineIo = { approve: async () => true };
