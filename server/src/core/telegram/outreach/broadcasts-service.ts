import { ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import { newId } from '../../ids.js';
import type { JobContext, JobScheduler } from '../../jobs/scheduler.js';
import type { JobRecord } from '../../jobs/types.js';
import type { TelegramBotRecord, TelegramSubscriberRecord, TelegramSubscriberStore } from '../types.js';
import {
  FUNNEL_RESUME_DATA,
  type BroadcastRecord,
  type BroadcastStore,
  type OutreachButton,
  type OutreachMessage,
  type OutreachPort,
  type RecipientRecord,
} from './types.js';

export const BROADCAST_JOB = 'telegram.broadcast.run';
/** A recipient whose sends fail (5xx, network) this many times is given up on. */
const MAX_RECIPIENT_ATTEMPTS = 3;
const BATCH = 200;

export interface BroadcastInput {
  text?: string;
  buttonText?: string | null;
  buttonUrl?: string | null;
  segment?: string | null;
}

export interface BroadcastsDeps {
  store: BroadcastStore;
  subscribers: Pick<TelegramSubscriberStore, 'list' | 'setStatus'>;
  bots: { get(id: string): Promise<TelegramBotRecord> };
  /** Paced per bot (pacer.ts): every send waits its turn and every 429 holds the bot's sends. */
  outreach: OutreachPort;
  jobs: Pick<JobScheduler, 'register' | 'enqueue'>;
  clock: () => number;
  /** Sends in flight at once per broadcast (the pacer spaces them; this hides Telegram's latency). */
  concurrency: number;
  /** A run gives its job back this often (a short lease; a restart resumes from the recipients table). */
  sliceMs: number;
  /**
   * An intent (`sending`) older than this has no live sender (the jobs lease, plus the send timeout): it is reconciled
   * as `unconfirmed`. Younger ones may belong to a run still in flight and are left to a later slice.
   */
  orphanAfterMs: number;
}

const invalid = (field: string, message: string) => new ValidationError(message, { details: { field } });

export function messageOf(
  b: Pick<BroadcastRecord, 'text' | 'buttonText' | 'buttonUrl'>,
  chatId: number,
): OutreachMessage {
  let button: OutreachButton | null = null;
  if (b.buttonText)
    button = b.buttonUrl
      ? { text: b.buttonText, url: b.buttonUrl }
      : { text: b.buttonText, callbackData: FUNNEL_RESUME_DATA };
  return { chatId, text: b.text, button };
}

const inAudience = (b: BroadcastRecord, s: TelegramSubscriberRecord) =>
  s.status === 'active' && (b.segment === null || s.segment === b.segment);

/** Runs `work` over `items` with at most `limit` at once, taking no new item once `signal` is aborted. */
async function pool<T>(items: T[], limit: number, signal: AbortSignal, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Broadcasts to a bot's active subscribers (or one segment): a draft, a test send to the bot's admins, then a run
 * that snapshots the recipients into a table and sends through the paced port in job-sized slices. Each recipient's
 * intent (`sending`) is committed before its send, so a run resumed after a crash never sends anyone twice.
 */
export function createBroadcastsService(deps: BroadcastsDeps) {
  const { store, clock } = deps;

  async function get(botId: string, id: string): Promise<BroadcastRecord> {
    const found = await store.get(id);
    if (!found || found.botId !== botId) throw new NotFoundError('Broadcast');
    return found;
  }

  function check(b: Pick<BroadcastRecord, 'text' | 'buttonText' | 'buttonUrl'>): void {
    if (!b.text.trim()) throw invalid('text', 'text must not be empty');
    if (b.buttonUrl && !b.buttonText) throw invalid('buttonText', 'a button link needs a button text');
  }

  async function create(botId: string, input: BroadcastInput): Promise<BroadcastRecord> {
    await deps.bots.get(botId);
    const now = clock();
    const record: BroadcastRecord = {
      ...{ id: newId(), botId, text: input.text ?? '', buttonText: input.buttonText ?? null },
      ...{ buttonUrl: input.buttonUrl ?? null, segment: input.segment ?? null, status: 'draft', testedAt: null },
      ...{ createdAt: now, updatedAt: now, startedAt: null, finishedAt: null },
    };
    check(record);
    await store.insert(record);
    return record;
  }

  async function draft(botId: string, id: string): Promise<BroadcastRecord> {
    const b = await get(botId, id);
    if (b.status !== 'draft')
      throw new ConflictError(`The broadcast is ${b.status}, no longer a draft`, 'BROADCAST_NOT_DRAFT');
    return b;
  }

  /** Edits a draft; its test send no longer counts (the admins have not seen this text). */
  async function update(botId: string, id: string, input: BroadcastInput): Promise<BroadcastRecord> {
    const b = await draft(botId, id);
    const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as BroadcastInput;
    const next = { ...b, ...patch, testedAt: null, updatedAt: clock() };
    check(next);
    await store.update(id, { ...patch, testedAt: null, updatedAt: next.updatedAt });
    return next;
  }

  async function remove(botId: string, id: string): Promise<BroadcastRecord> {
    const b = await get(botId, id);
    if (b.status === 'sending') throw new ConflictError('Cancel the broadcast before deleting it', 'BROADCAST_RUNNING');
    await store.remove(id);
    return b;
  }

  /** Who it would reach now (the preview shows the count beside the message). */
  async function audience(b: BroadcastRecord): Promise<number[]> {
    return (await deps.subscribers.list(b.botId)).filter((s) => inAudience(b, s)).map((s) => s.chatId);
  }

  /** Sends the draft to each of the bot's admins (their private chats); a successful one allows the start. */
  async function test(botId: string, id: string) {
    const b = await draft(botId, id);
    const bot = await deps.bots.get(botId);
    if (bot.settings.adminUsers.length === 0)
      throw invalid('adminUsers', "The bot has no admins to send a test to (add your Telegram id to the bot's admins)");
    const results = [];
    for (const chatId of bot.settings.adminUsers) {
      const result = await deps.outreach.send(bot, messageOf(b, chatId));
      results.push({ chatId, ok: result.status === 'sent', error: result.status === 'sent' ? null : describe(result) });
    }
    if (results.some((r) => r.ok)) await store.update(id, { testedAt: clock() });
    return results;
  }

  async function start(botId: string, id: string): Promise<BroadcastRecord> {
    const b = await draft(botId, id);
    if (b.testedAt === null)
      throw new ConflictError('Send a test to the bot admins first (and after each edit)', 'BROADCAST_NOT_TESTED');
    await store.addRecipients(id, await audience(b), clock());
    const now = clock();
    await store.update(id, { status: 'sending', startedAt: now, updatedAt: now });
    await deps.jobs.enqueue({ kind: BROADCAST_JOB, key: `broadcast:${id}`, payload: { broadcastId: id }, dueAt: now });
    return get(botId, id);
  }

  async function cancel(botId: string, id: string): Promise<BroadcastRecord> {
    const b = await get(botId, id);
    if (b.status === 'done' || b.status === 'cancelled')
      throw new ConflictError(`The broadcast is ${b.status} already`, 'BROADCAST_FINISHED');
    const now = clock();
    await store.update(id, { status: 'cancelled', finishedAt: now, updatedAt: now });
    return get(botId, id);
  }

  async function sendOne(b: BroadcastRecord, bot: TelegramBotRecord, r: RecipientRecord): Promise<void> {
    const attempts = r.attempts + 1;
    if (!(await store.moveRecipient(b.id, r.chatId, 'pending', { status: 'sending', attempts, updatedAt: clock() })))
      return;
    const result = await deps.outreach.send(bot, messageOf(b, r.chatId));
    const settle = (patch: Omit<Parameters<BroadcastStore['moveRecipient']>[3], 'updatedAt'>) =>
      store.moveRecipient(b.id, r.chatId, 'sending', { ...patch, updatedAt: clock() });
    switch (result.status) {
      case 'sent':
        return void (await settle({ status: 'sent', messageId: result.messageId, error: null }));
      case 'blocked':
        await settle({ status: 'blocked', error: result.error });
        return deps.subscribers.setStatus(b.botId, r.chatId, 'blocked', clock());
      case 'rate-limited': // nothing was delivered; the pacer holds the bot's sends for retry_after
        return void (await settle({ status: 'pending', error: `429: retry after ${result.retryAfterMs / 1000} s` }));
      case 'failed': {
        const again = result.retryable && attempts < MAX_RECIPIENT_ATTEMPTS;
        return void (await settle({ status: again ? 'pending' : 'failed', error: result.error }));
      }
    }
  }

  /** One slice of a run: reconcile a dead run's intents, then send until done, the slice ends, or a stop. */
  async function run(job: JobRecord, context: JobContext) {
    const id = String(job.payload.broadcastId);
    const b = await store.get(id);
    if (!b || b.status !== 'sending') return;
    const bot = await deps.bots.get(b.botId);
    await store.moveAll(id, 'sending', 'unconfirmed', clock(), clock() - deps.orphanAfterMs);
    const until = Date.now() + deps.sliceMs;
    for (;;) {
      const batch = await store.recipients(id, 'pending', BATCH);
      if (batch.length === 0) {
        if ((await store.counts(id)).sending === 0) break;
        return { rerunAt: clock() + deps.orphanAfterMs }; // intents of a run that died: reconciled once orphaned
      }
      await pool(batch, deps.concurrency, context.signal, (r) => sendOne(b, bot, r));
      if (context.signal.aborted || Date.now() >= until) return { rerunAt: clock() };
      if ((await store.get(id))?.status !== 'sending') return; // cancelled meanwhile
    }
    const now = clock();
    await store.update(id, { status: 'done', finishedAt: now, updatedAt: now });
  }

  return {
    create,
    get,
    list: (botId: string) => store.list(botId),
    update,
    remove,
    audience: async (botId: string, id: string) => (await audience(await get(botId, id))).length,
    progress: (id: string) => store.counts(id),
    test,
    start,
    cancel,
    startJobs: () => deps.jobs.register(BROADCAST_JOB, run),
  };
}

function describe(result: Exclude<Awaited<ReturnType<OutreachPort['send']>>, { status: 'sent' }>): string {
  if (result.status === 'rate-limited') return `Telegram asked to wait ${result.retryAfterMs / 1000} s`;
  return result.error;
}

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
