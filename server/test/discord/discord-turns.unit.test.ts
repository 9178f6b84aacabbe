import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_SETTINGS } from '../../src/core/discord/bots-service.js';
import { snowflakeAt } from '../../src/core/discord/snowflake.js';
import { createDiscordTurnService } from '../../src/core/discord/turn-service.js';
import type { DiscordBotRecord, DiscordTurnRecord, DiscordTurnStore } from '../../src/core/discord/types.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const CHANNEL = '333333333333333333';
const OTHER = '333333333333333334';

function memoryStore(rows: DiscordTurnRecord[] = []): DiscordTurnStore {
  return {
    async claim(turn) {
      const found = rows.find((r) => r.botId === turn.botId && r.messageId === turn.messageId);
      if (found) return { turn: found, created: false };
      rows.push(turn);
      return { turn, created: true };
    },
    async update(id, patch) {
      Object.assign(
        rows.find((r) => r.id === id)!,
        patch,
      );
    },
    findByMessage: async (botId, messageId) => rows.find((r) => r.botId === botId && r.messageId === messageId) ?? null,
    recent: async (botId, sinceMs) => rows.filter((r) => r.botId === botId && r.createdAt >= sinceMs).reverse(),
    channels: async () => [],
    turns: async () => [],
  };
}

const bot: DiscordBotRecord = {
  id: 'bot1',
  name: 'Support',
  tokenSealed: '',
  tokenHint: '…abcd',
  discordId: '111111111111111111',
  username: 'secretary',
  settings: { ...DEFAULT_DISCORD_SETTINGS, channels: [OTHER] },
  autoStart: true,
  desired: 'running',
  createdAt: NOW - 86_400_000,
  updatedAt: NOW - 86_400_000,
};

function turnAt(ms: number, patch: Partial<DiscordTurnRecord>): DiscordTurnRecord {
  return {
    id: `t${ms}`,
    botId: bot.id,
    messageId: snowflakeAt(ms),
    channelId: CHANNEL,
    guildId: null,
    userId: '444444444444444444',
    userName: 'alice',
    text: 'hi',
    reply: 'hello',
    replyMessageId: null,
    status: 'answered',
    delivered: true,
    createdAt: ms,
    updatedAt: ms,
    ...patch,
  };
}

function service(rows: DiscordTurnRecord[]) {
  const router = {
    chat: async () =>
      (async function* () {
        yield { content: 'Hello ' };
        yield { content: 'there.' };
      })(),
  };
  return createDiscordTurnService({
    turns: memoryStore(rows),
    router: router as never,
    clock: () => NOW,
    firstTokenTimeoutMs: 1000,
    replyTimeoutMs: 5000,
    onError: () => undefined,
  });
}

describe('Discord turn service', () => {
  it('catches up after the newest delivered turn, or before the oldest undelivered one; chosen channels 10 min back', async () => {
    const delivered = turnAt(NOW - 120_000, {});
    const rows = [delivered];
    expect(await service(rows).catchUp(bot)).toEqual(
      expect.arrayContaining([
        { channelId: CHANNEL, afterMessageId: delivered.messageId },
        { channelId: OTHER, afterMessageId: snowflakeAt(NOW - 600_000) },
      ]),
    );
    const open = turnAt(NOW - 60_000, { delivered: false, reply: null, status: 'answering' });
    rows.push(open, turnAt(NOW - 30_000, {}));
    const points = await service(rows).catchUp(bot);
    expect(points.find((p) => p.channelId === CHANNEL)?.afterMessageId).toBe((BigInt(open.messageId) - 1n).toString());
  });

  it('never looks back before an admin last started the bot', async () => {
    const started = { ...bot, updatedAt: NOW - 5_000 };
    expect(await service([]).catchUp(started)).toEqual([
      { channelId: OTHER, afterMessageId: snowflakeAt(NOW - 5_000) },
    ]);
  });

  it('answers a message once: a delivered turn is skipped, an interrupted one goes on in its message', async () => {
    const rows: DiscordTurnRecord[] = [];
    const turns = service(rows);
    const seen: string[] = [];
    const out = {
      adopt: (id: string) => seen.push(`adopt ${id}`),
      delta: (text: string) => seen.push(`delta ${text}`),
      reply: (reply: { text: string; skip: boolean }) => seen.push(reply.skip ? 'skip' : `reply ${reply.text}`),
    };
    const turn = {
      turnId: '900000000000000001',
      messageIds: ['900000000000000001'],
      channelId: CHANNEL,
      guildId: null,
      author: { id: '444444444444444444', username: 'alice' },
      text: 'Hi',
      reason: 'dm' as const,
    };
    await turns.handle(bot, turn, out);
    expect(seen).toEqual(['delta Hello ', 'delta there.', 'reply Hello there.']);
    seen.length = 0;
    await turns.shown(bot.id, turn.turnId, '900000000000000002');
    await turns.handle(bot, turn, out); // stored, not delivered: the stored text again, into the same message
    expect(seen).toEqual(['adopt 900000000000000002', 'reply Hello there.']);
    seen.length = 0;
    await turns.delivered(bot.id, turn.turnId);
    await turns.handle(bot, turn, out);
    expect(seen).toEqual(['skip']);
  });
});
