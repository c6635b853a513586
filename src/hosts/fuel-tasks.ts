import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import { HOST_STEP_CODES, pollUntil, type HostStepContext } from './context.js';
import type { FuelOps, FuelTaskName, FuelTaskRef } from './adapters.js';

/**
 * A Fuel task a host step starts, followed to its end exactly once: the task the checkpoint names,
 * else one Fuel is still running for the environment (started just before a kill could record
 * it), else a new one; its id is in the checkpoint before the first poll. A failed task is
 * forgotten, so the next apply starts a new one rather than reading this failure again.
 */
export interface TaskSpec {
  environmentId: number;
  name: FuelTaskName;
  /** The checkpoint key of its id. */
  key: string;
  start: () => Promise<FuelTaskRef>;
  /** What it does, for progress and errors ("provisioning node #6"). */
  label: string;
  /** A node to show the progress of (not for a removal: the node disappears). */
  nodeId?: number;
}

export async function followTask(ctx: StepContext, h: HostStepContext, fuel: FuelOps, spec: TaskSpec): Promise<void> {
  const saved = ctx.checkpoint?.[spec.key];
  const task = typeof saved === 'number' ? await fuel.task(saved) : (await fuel.activeTask(spec.environmentId, spec.name)) ?? (await spec.start());
  if (saved !== task.id) await ctx.saveCheckpoint({ [spec.key]: task.id });
  let said = '';
  const done = await pollUntil(ctx, h, async () => {
    const now = await fuel.task(task.id);
    const node = spec.nodeId === undefined ? undefined : await fuel.node(spec.nodeId);
    const phase = `${spec.label}: task ${now.status} ${now.progress}%${node ? `, node ${node.status} ${node.progress}%` : ''}`;
    if (phase !== said) ctx.progress({ phase });
    said = phase;
    return now.status === 'ready' || now.status === 'error' ? now : undefined;
  }, {
    timeoutMs: h.deployTimeoutMs ?? 2 * 3_600_000, code: HOST_STEP_CODES.fuelTaskFailed, what: `${spec.label} (Fuel task ${task.id})`,
    hint: 'look at the task in Fuel; run apply again to keep waiting for the same task',
  });
  if (done.status === 'error') {
    await ctx.saveCheckpoint({ [spec.key]: undefined });
    throw new PumphouseError(HOST_STEP_CODES.fuelTaskFailed, `${spec.label} failed in Fuel (task ${task.id}): ${done.message ?? 'no message'}`, {
      hint: 'fix the cause (the node\'s logs on the Fuel master), then run apply again: it starts a new task for this node',
    });
  }
}
