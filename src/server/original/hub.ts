import type { OriginalEventName, PumphouseEvent } from '../../events/events.js';
import type { EventBus } from '../../events/sink.js';
import type { ExecutionPlan } from '../../execution-plan/plan.js';
import type { InventoryResource } from '../../inventory/model.js';
import { SocketIoBus } from './socketio.js';
import { OriginalTranslator, type OriginalEmit, type OriginalIntent, type RunOutcome } from './translate.js';

/**
 * Where the original API's events come from and go: they are events of our bus (type
 * `original`), so the journal keeps them and the SSE stream (/v1/events) carries them, and each
 * is broadcast on the Socket.IO bus's `/events` namespace under its original name. While an
 * original action runs, its steps' events are translated (translate.ts).
 */
export const ORIGINAL_NAMESPACE = '/events';

export class OriginalHub {
  readonly socketIo = new SocketIoBus();
  private readonly translator = new OriginalTranslator();
  private closed = false;

  constructor(private readonly bus: EventBus) {
    bus.on((event) => this.onEvent(event));
  }

  /** An action's plan starts: its opening events. */
  begin(intent: OriginalIntent, plan: ExecutionPlan, source: readonly InventoryResource[]): void {
    this.emitAll(this.translator.begin(intent, plan, source));
  }

  /** The action's run ended (or could not start): its closing events. */
  end(outcome: RunOutcome, why?: string): void {
    this.applyId = undefined;
    this.emitAll(this.translator.end(outcome, why));
  }

  get busy(): boolean {
    return this.translator.active !== undefined;
  }

  /** The apply the running action's events follow (its end closes the action: see original.ts). */
  applyId: string | undefined;

  emit(name: OriginalEventName, payload: Record<string, unknown>): void {
    // The server is stopping: its journal is let go, nothing more is told.
    if (this.closed) return;
    const what = [payload['type'], payload['cloud'], payload['id']].filter((p) => p !== undefined).join(' ');
    this.bus.emit({ type: 'original', level: 'info', message: `original API event: ${name}${what ? ` ${what}` : ''}`, data: { name, payload } });
  }

  close(): void {
    this.closed = true;
    this.socketIo.close();
  }

  private emitAll(emits: readonly OriginalEmit[]): void {
    for (const e of emits) this.emit(e.name, e.payload);
  }

  private onEvent(event: PumphouseEvent): void {
    if (event.type === 'original') this.socketIo.broadcast(ORIGINAL_NAMESPACE, event.data.name, event.data.payload);
    else this.emitAll(this.translator.translate(event));
  }
}
