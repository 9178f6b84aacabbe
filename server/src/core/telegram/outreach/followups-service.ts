import { NotFoundError, ValidationError } from '../../../errors.js';
import { newId } from '../../ids.js';
import { RetryJobAt, type JobScheduler } from '../../jobs/scheduler.js';
import type { JobRecord } from '../../jobs/types.js';
import { releaseAt } from '../../notifications/quiet-hours.js';
import type { QuietHours } from '../../notifications/types.js';
import type {
  TelegramBotRecord,
  TelegramEventStore,
  TelegramSubscriberRecord,
  TelegramSubscriberStore,
} from '../types.js';
import { FUNNEL_RESUME_DATA, type FollowupRuleRecord, type FollowupSendRecord, type FollowupStore } from './types.js';
import type { PacedOutreach } from './pacer.js';

export const FOLLOWUP_SCAN_JOB = 'telegram.followups.scan';
export const FOLLOWUP_SEND_JOB = 'telegram.followup.send';
export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '09:00' };
const HOUR_MS = 3_600_000;

export interface FollowupRuleInput {
  name?: string;
  step?: string | null;
  segment?: string | null;
  afterHours?: number;
  text?: string;
  buttonText?: string;
  maxTimes?: number;
  enabled?: boolean;
}

export interface FollowupsDeps {
  store: FollowupStore & { subscriber(botId: string, chatId: number): Promise<TelegramSubscriberRecord | null> };
  subscribers: Pick<TelegramSubscriberStore, 'list' | 'setStatus'>;
  events: TelegramEventStore;
  bots: { get(id: string): Promise<TelegramBotRecord>; list(): Promise<TelegramBotRecord[]> };
  /** Paced per bot; a follow-up takes its turn before its intent is recorded (the uncertain window stays short). */
  outreach: PacedOutreach;
  jobs: Pick<JobScheduler, 'register' | 'enqueue' | 'advance'>;
  clock: () => number;
  /** The business time zone, for bots without their own. */
  businessTimeZone: () => string;
  /** How often subscribers are looked over for due follow-ups. */
  scanIntervalMs: number;
  logger: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

interface SendPayload {
  ruleId: string;
  chatId: number;
  occurrence: number;
  /** The activity (or previous follow-up) it counts from: newer activity makes this job moot. */
  basis: number;
}

const invalid = (field: string, message: string) => new ValidationError(message, { details: { field } });

function checkRule(rule: Omit<FollowupRuleRecord, 'id' | 'botId' | 'createdAt' | 'updatedAt'>): void {
  if (!rule.name.trim()) throw invalid('name', 'name must not be empty');
  if (rule.step === null && rule.segment === null)
    throw invalid('step', 'a follow-up rule needs a funnel step, a segment, or both');
  if (!rule.text.trim()) throw invalid('text', 'text must not be empty');
  if (!rule.buttonText.trim()) throw invalid('buttonText', 'buttonText must not be empty');
}

export const quietHoursOf = (bot: TelegramBotRecord): QuietHours | null =>
  bot.settings.followupQuietHours === undefined ? DEFAULT_QUIET_HOURS : bot.settings.followupQuietHours;

const matches = (rule: FollowupRuleRecord, s: TelegramSubscriberRecord) =>
  s.status === 'active' &&
  (rule.step === null || s.funnelStep === rule.step) &&
  (rule.segment === null || s.segment === rule.segment);

const lastActivity = (s: TelegramSubscriberRecord) => s.lastActivityAt ?? s.subscribedAt;

/**
 * Follow-up rules per bot and their delivery: a recurring scan job finds subscribers due a follow-up (N hours after
 * their last activity in a step / segment, at most K times) and schedules one send job each, keyed so it exists
 * once; the send job records its intent before it sends and reconciles an intent a dead process left behind.
 */
export function createFollowupsService(deps: FollowupsDeps) {
  const { store, clock } = deps;

  async function rule(botId: string, id: string): Promise<FollowupRuleRecord> {
    const found = await store.rule(id);
    if (!found || found.botId !== botId) throw new NotFoundError('Follow-up rule');
    return found;
  }

  async function create(botId: string, input: FollowupRuleInput): Promise<FollowupRuleRecord> {
    await deps.bots.get(botId);
    const now = clock();
    const record: FollowupRuleRecord = {
      ...{
        id: newId(),
        botId,
        name: input.name?.trim() ?? '',
        step: input.step ?? null,
        segment: input.segment ?? null,
      },
      ...{ afterHours: input.afterHours ?? 24, text: input.text ?? '', buttonText: input.buttonText ?? '' },
      ...{ maxTimes: input.maxTimes ?? 1, enabled: input.enabled ?? true, createdAt: now, updatedAt: now },
    };
    checkRule(record);
    await store.insertRule(record);
    return record;
  }

  async function update(botId: string, id: string, input: FollowupRuleInput): Promise<FollowupRuleRecord> {
    const current = await rule(botId, id);
    const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as FollowupRuleInput;
    const next = { ...current, ...patch, name: (patch.name ?? current.name).trim(), updatedAt: clock() };
    checkRule(next);
    await store.updateRule(id, { ...patch, name: next.name, updatedAt: next.updatedAt });
    return next;
  }

  async function remove(botId: string, id: string): Promise<FollowupRuleRecord> {
    const found = await rule(botId, id);
    await store.removeRule(id);
    return found;
  }

  /** Sent / answered counts per rule (the admin page shows them beside each rule). */
  async function stats(botId: string): Promise<Map<string, { sent: number; answered: number }>> {
    const counts = new Map<string, { sent: number; answered: number }>();
    for (const send of await store.sends(botId)) {
      const entry = counts.get(send.ruleId) ?? { sent: 0, answered: 0 };
      if (send.status === 'sent' || send.status === 'unconfirmed') entry.sent++;
      if (send.answeredAt !== null) entry.answered++;
      counts.set(send.ruleId, entry);
    }
    return counts;
  }

  async function recordEvent(
    type: string,
    send: FollowupSendRecord,
    s: TelegramSubscriberRecord,
    at: number,
    data = {},
  ) {
    await deps.events.record({
      ...{ botId: send.botId, chatId: send.chatId, type, step: s.funnelStep ?? null, segment: s.segment ?? null },
      ...{ source: s.source, variant: null, at, dedupeKey: `${type}:${send.ruleId}:${send.chatId}:${send.occurrence}` },
      data: { ruleId: send.ruleId, occurrence: send.occurrence, ...data },
    });
  }

  /** A follow-up counts as answered once the subscriber did anything after it was sent. */
  async function noteAnswers(sends: FollowupSendRecord[], s: TelegramSubscriberRecord): Promise<void> {
    for (const send of sends) {
      const delivered = send.status === 'sent' || send.status === 'unconfirmed';
      if (!delivered || send.answeredAt !== null || s.lastActivityAt == null) continue;
      if (s.lastActivityAt <= (send.sentAt ?? send.createdAt)) continue;
      await store.updateSend(send.id, { answeredAt: s.lastActivityAt });
      await recordEvent('followup.answered', send, s, s.lastActivityAt);
    }
  }

  async function scheduleFor(
    bot: TelegramBotRecord,
    r: FollowupRuleRecord,
    s: TelegramSubscriberRecord,
    sends: FollowupSendRecord[],
  ) {
    if (!matches(r, s) || sends.length >= r.maxTimes) return;
    const previous = sends.reduce((at, send) => Math.max(at, send.sentAt ?? send.createdAt), 0);
    const basis = Math.max(lastActivity(s), previous);
    const due = basis + r.afterHours * HOUR_MS;
    if (due > clock() + deps.scanIntervalMs) return;
    const timeZone = bot.settings.timeZone ?? deps.businessTimeZone();
    const payload: SendPayload = { ruleId: r.id, chatId: s.chatId, occurrence: sends.length + 1, basis };
    await deps.jobs.enqueue({
      kind: FOLLOWUP_SEND_JOB,
      key: `followup:${r.id}:${s.chatId}:${payload.occurrence}:${basis}`,
      payload: { ...payload },
      dueAt: releaseAt(due, quietHoursOf(bot), timeZone),
    });
  }

  async function scanBot(bot: TelegramBotRecord): Promise<void> {
    const rules = (await store.rules(bot.id)).filter((r) => r.enabled);
    if (rules.length === 0) return;
    const byKey = new Map<string, FollowupSendRecord[]>();
    for (const send of await store.sends(bot.id)) {
      const key = `${send.ruleId}:${send.chatId}`;
      byKey.set(key, [...(byKey.get(key) ?? []), send]);
    }
    for (const s of await deps.subscribers.list(bot.id))
      for (const r of rules) {
        const sends = byKey.get(`${r.id}:${s.chatId}`) ?? [];
        await noteAnswers(sends, s);
        await scheduleFor(bot, r, s, sends);
      }
  }

  /** One look over every bot's subscribers (the recurring scan job; tests call it after moving the clock). */
  async function scan(): Promise<void> {
    for (const bot of await deps.bots.list())
      await scanBot(bot).catch((error: unknown) =>
        deps.logger.error({ err: error, botId: bot.id }, 'follow-up scan failed'),
      );
  }

  async function reconcile(send: FollowupSendRecord, s: TelegramSubscriberRecord): Promise<void> {
    if (send.status !== 'sending') return; // settled already: never twice
    // A process died between the intent and its outcome: Telegram may have the message; it is not sent again.
    deps.logger.warn({ ruleId: send.ruleId, chatId: send.chatId }, 'follow-up intent without outcome: not sent again');
    await store.updateSend(send.id, { status: 'unconfirmed', sentAt: send.createdAt });
    await recordEvent('followup.sent', send, s, send.createdAt, { confirmed: false });
  }

  /**
   * One follow-up at a time per bot, from intent to outcome: a process that dies leaves at most one intent per bot
   * whose fate is unknown (see reconcile), instead of one per job that happened to be running.
   */
  const lanes = new Map<string, Promise<unknown>>();
  function serial<T>(botId: string, work: () => Promise<T>): Promise<T> {
    const previous = lanes.get(botId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    lanes.set(botId, next);
    void next.finally(() => lanes.get(botId) === next && lanes.delete(botId)).catch(() => undefined);
    return next;
  }

  async function deliver(bot: TelegramBotRecord, r: FollowupRuleRecord, s: TelegramSubscriberRecord, p: SendPayload) {
    await deps.outreach.turn(bot.id);
    const now = clock();
    const intent: FollowupSendRecord = {
      ...{ id: newId(), ruleId: r.id, botId: bot.id, chatId: s.chatId, occurrence: p.occurrence, status: 'sending' },
      ...{ messageId: null, error: null, createdAt: now, sentAt: null, answeredAt: null },
    };
    const { send, created } = await store.claimSend(intent);
    if (!created) return reconcile(send, s);
    const button = { text: r.buttonText, callbackData: FUNNEL_RESUME_DATA };
    const result = await deps.outreach.sendNow(bot, { chatId: s.chatId, text: r.text, button });
    switch (result.status) {
      case 'sent':
        await store.updateSend(send.id, { status: 'sent', messageId: result.messageId, sentAt: clock() });
        return recordEvent('followup.sent', send, s, clock(), { confirmed: true });
      case 'blocked':
        await store.updateSend(send.id, { status: 'blocked', error: result.error });
        return deps.subscribers.setStatus(bot.id, s.chatId, 'blocked', clock());
      case 'rate-limited':
        await store.removeSend(send.id); // a 429 delivered nothing
        throw new RetryJobAt(clock() + result.retryAfterMs, 'Telegram asked to retry later');
      case 'failed':
        if (!result.retryable) return store.updateSend(send.id, { status: 'failed', error: result.error });
        await store.removeSend(send.id);
        throw new Error(result.error);
    }
  }

  async function runSend(job: JobRecord): Promise<void> {
    const p = job.payload as unknown as SendPayload;
    const r = await store.rule(p.ruleId);
    const bot = r?.enabled ? await deps.bots.get(r.botId).catch(() => null) : null;
    const s = bot && r ? await store.subscriber(bot.id, p.chatId) : null;
    if (!r || !bot || !s || !matches(r, s) || lastActivity(s) > p.basis) return; // moot now
    const now = clock();
    const release = releaseAt(now, quietHoursOf(bot), bot.settings.timeZone ?? deps.businessTimeZone());
    if (release > now) throw new RetryJobAt(release, 'quiet hours');
    await serial(bot.id, () => deliver(bot, r, s, p));
  }

  async function startJobs(): Promise<void> {
    deps.jobs.register(FOLLOWUP_SEND_JOB, runSend);
    deps.jobs.register(FOLLOWUP_SCAN_JOB, async () => {
      await scan();
      return { rerunAt: clock() + deps.scanIntervalMs };
    });
    const { job, created } = await deps.jobs.enqueue({
      kind: FOLLOWUP_SCAN_JOB,
      key: FOLLOWUP_SCAN_JOB,
      dueAt: clock(),
    });
    // A scan left for later by a process with a longer interval (or a stopped one) runs now.
    if (!created) await deps.jobs.advance(job.id, clock());
  }

  return {
    create,
    get: rule,
    list: (botId: string) => store.rules(botId),
    update,
    remove,
    stats,
    scan,
    startJobs,
  };
}

export type FollowupsService = ReturnType<typeof createFollowupsService>;
