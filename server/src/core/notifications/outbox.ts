import { newId } from '../ids.js';
import { releaseAt } from './quiet-hours.js';
import { renderNotice } from './texts.js';
import type {
  NoticeSenders,
  NotificationDeliveryRecord,
  NotificationDeliveryStore,
  NotificationTargetRecord,
  OwnerEvent,
  TestEvent,
} from './types.js';
import type { TargetsService } from './targets-service.js';

export interface OutboxLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface OutboxDeps {
  deliveries: NotificationDeliveryStore;
  targets: TargetsService;
  senders: NoticeSenders;
  clock: () => number;
  /** The business name (title prefix) and time zone (quiet hours), read at each use. */
  business: () => { name: string; timeZone: string };
  logger: OutboxLogger;
  maxAttempts: number;
  /** First retry after this; doubles each attempt, capped at an hour. */
  retryBaseMs: number;
  leaseMs: number;
  batch?: number;
}

const MAX_BACKOFF_MS = 3_600_000;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** Quiet hours hold a delivery until they end; an urgent target lets `process.failing` through. */
function dueAt(target: NotificationTargetRecord, event: string, atMs: number, timeZone: string): number {
  if (target.urgent && event === 'process.failing') return atMs;
  return releaseAt(atMs, target.quietHours, timeZone);
}

/**
 * The durable owner-notification outbox: each event × subscribed target is a row, delivered at least once
 * by `tick()` (claim with a lease, send, mark sent; failures back off exponentially, then `failed`).
 */
export function createOutbox(deps: OutboxDeps) {
  const { deliveries, targets, logger } = deps;

  /** Writes the rows for an event; never throws (the call or message that caused it must not fail). */
  async function enqueue(event: OwnerEvent): Promise<number> {
    try {
      const now = deps.clock();
      const { timeZone } = deps.business();
      const subscribed = (await targets.list()).filter((t) => t.enabled && t.events.includes(event.event));
      const rows = subscribed.map((t) => row(t, event, dueAt(t, event.event, now, timeZone), now));
      if (rows.length > 0) await deliveries.insertMany(rows);
      return rows.length;
    } catch (error) {
      logger.error({ err: error, event: event.event }, 'notification enqueue failed');
      return 0;
    }
  }

  function row(t: NotificationTargetRecord, event: OwnerEvent, at: number, now: number): NotificationDeliveryRecord {
    return {
      ...{ id: newId(), targetId: t.id, event: event.event, payload: event, status: 'pending', attempts: 0 },
      ...{ nextAttemptAt: at, leaseUntil: null, lastError: null, createdAt: now, sentAt: null },
    };
  }

  async function send(target: NotificationTargetRecord, event: OwnerEvent | TestEvent): Promise<void> {
    const sender = deps.senders[target.kind];
    if (!sender) throw new Error(`no sender for ${target.kind} targets in this server`);
    const notice = renderNotice(event, target.language, deps.business().name);
    await sender(target, targets.secretOf(target), notice);
  }

  async function deliver(row: NotificationDeliveryRecord): Promise<void> {
    const now = deps.clock();
    if (!(await deliveries.claim(row, now, now + deps.leaseMs))) return;
    const attempts = row.attempts + 1;
    const target = await targets.get(row.targetId).catch(() => null);
    try {
      if (target === null) throw new Error('the target was removed');
      await send(target, row.payload);
      await deliveries.update(row.id, {
        status: 'sent',
        attempts,
        sentAt: deps.clock(),
        leaseUntil: null,
        lastError: null,
      });
    } catch (error) {
      await failed(row, target, attempts, errorText(error));
    }
  }

  async function failed(
    row: NotificationDeliveryRecord,
    target: NotificationTargetRecord | null,
    attempts: number,
    error: string,
  ) {
    const final = attempts >= deps.maxAttempts || target === null;
    const backoff = Math.min(deps.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    const next = target ? dueAt(target, row.event, deps.clock() + backoff, deps.business().timeZone) : deps.clock();
    logger.warn({ deliveryId: row.id, targetId: row.targetId, attempts, final }, 'notification delivery failed');
    const status = final ? 'failed' : 'pending';
    await deliveries.update(row.id, { status, attempts, nextAttemptAt: next, leaseUntil: null, lastError: error });
  }

  let running: Promise<void> | null = null;
  /** One pass over the due rows (a pass already running is joined, not doubled). */
  function tick(): Promise<void> {
    running ??= (async () => {
      try {
        const due = await deliveries.due(deps.clock(), deps.batch ?? 20);
        await Promise.all(due.map((r) => deliver(r)));
      } catch (error) {
        logger.error({ err: error }, 'notification delivery pass failed');
      } finally {
        running = null;
      }
    })();
    return running;
  }

  /** Sends a test notice now, outside the outbox; the outcome with the error, if any. */
  async function test(id: string): Promise<{ ok: boolean; error: string | null }> {
    const target = await targets.get(id);
    try {
      await send(target, { event: 'test' });
      return { ok: true, error: null };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }

  return { enqueue, tick, test, idle: () => running ?? Promise.resolve() };
}

export type Outbox = ReturnType<typeof createOutbox>;

/** Runs `tick` every `intervalMs` on an unref'd timer until stopped. */
export function startDeliveryLoop(outbox: Outbox, intervalMs: number): { stop(): Promise<void> } {
  const timer = setInterval(() => void outbox.tick(), intervalMs);
  timer.unref();
  void outbox.tick();
  return {
    async stop() {
      clearInterval(timer);
      await outbox.idle();
    },
  };
}
