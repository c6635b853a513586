import { openApplySession } from '../apply/session.js';
import type { PumphouseConfig } from '../config/load.js';
import type { DesiredState } from '../desired/model.js';
import type { EventSink } from '../events/sink.js';
import type { ExecutionPlan } from '../execution-plan/plan.js';
import { readState } from '../state/store.js';
import { planInputs, planProbed, type Narrowing } from './plan.js';
import { loadSavedPlan } from './saved-plan.js';

/** Plans a desired state against both clouds as they are now and the state's id mappings. */
export async function makePlanOf(config: PumphouseConfig, events: EventSink, desired: DesiredState, statePath: string, narrowing: Narrowing, probe = true): Promise<ExecutionPlan> {
  const state = await readState(statePath);
  const session = await openApplySession(config, events);
  try {
    return await planProbed(desired, await planInputs(config, session, state?.mappings ?? {}, state?.downtime), narrowing, session, events, probe);
  } finally {
    session.close();
  }
}

/** A saved plan checked against both clouds as they are now. */
export async function loadSavedPlanNow(config: PumphouseConfig, events: EventSink, file: string, statePath: string): Promise<ExecutionPlan> {
  const state = await readState(statePath);
  const session = await openApplySession(config, events);
  try {
    return loadSavedPlan(file, { ...session.inventories, mappings: state?.mappings ?? {} }, state ?? { plan: null, steps: {} });
  } finally {
    session.close();
  }
}
