import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CreateTelegramBotRequest,
  IdParams,
  StrictObject,
  TelegramBotView,
  TelegramChatView,
  TelegramSubscriberQuery,
  TelegramSubscriberView,
  TelegramTurnView,
  UpdateTelegramBotRequest,
} from '@ai-secretary/protocol';
import type { TelegramChannel } from '../../../channels/telegram/telegram-channel.js';
import { toIso } from '../../../core/clock.js';
import { BOT_ROUTE_ERRORS, botStatusOf, registerBotProcessRoutes } from '../bot-processes.js';
import type { TelegramBotsService } from '../../../core/telegram/bots-service.js';
import type { TelegramFunnelProgressRecord } from '../../../core/telegram/funnel/types.js';
import { subscribersCsv } from '../../../core/telegram/subscribers-csv.js';
import type {
  TelegramBotRecord,
  TelegramSubscriberRecord,
  TelegramSubscriberStore,
  TelegramTurnRecord,
  TelegramTurnStore,
} from '../../../core/telegram/types.js';

const errors = BOT_ROUTE_ERRORS;
const tags = ['telegram'];

export interface TelegramRoutesDeps {
  bots: TelegramBotsService;
  channel: TelegramChannel;
  turns: TelegramTurnStore;
  subscribers: TelegramSubscriberStore;
  /** Each subscriber's place in the funnel (answers, consent). */
  funnelProgress: (botId: string) => Promise<TelegramFunnelProgressRecord[]>;
}

type SubscriberRow = TelegramSubscriberRecord & { answers: Record<string, string>; consentAt: number | null };

/** The bot's subscribers with their answers and consent, filtered as asked. */
async function subscriberRows(
  deps: TelegramRoutesDeps,
  botId: string,
  filter: TelegramSubscriberQuery = {},
): Promise<SubscriberRow[]> {
  const progress = new Map((await deps.funnelProgress(botId)).map((p) => [p.chatId, p]));
  return (await deps.subscribers.list(botId))
    .filter(
      (s) =>
        (!filter.status || s.status === filter.status) &&
        (!filter.segment || s.segment === filter.segment) &&
        (!filter.source || s.source === filter.source) &&
        (!filter.step || s.funnelStep === filter.step),
    )
    .map((s) => ({
      ...s,
      answers: progress.get(s.chatId)?.answers ?? {},
      consentAt: progress.get(s.chatId)?.consentAt ?? null,
    }));
}

function toSubscriberView(s: SubscriberRow): TelegramSubscriberView {
  return {
    chatId: s.chatId,
    userId: s.userId,
    userName: s.userName,
    language: s.language,
    source: s.source,
    status: s.status,
    segment: s.segment ?? null,
    funnelStep: s.funnelStep ?? null,
    answers: s.answers,
    consentAt: toIso(s.consentAt),
    lastActivityAt: toIso(s.lastActivityAt ?? null),
    subscribedAt: toIso(s.subscribedAt),
    updatedAt: toIso(s.updatedAt),
  };
}

export function toTelegramBotView(channel: TelegramChannel, bot: TelegramBotRecord): TelegramBotView {
  const child = channel.processes.child(bot.id);
  return {
    id: bot.id,
    name: bot.name,
    username: bot.username,
    telegramId: bot.telegramId,
    tokenHint: bot.tokenHint,
    ...bot.settings,
    autoStart: bot.autoStart,
    ...botStatusOf(child, channel.isReady(bot.id)),
    transport: channel.transport,
    pid: child?.pid ?? null,
    rssBytes: child?.rssBytes ?? null,
    restarts: child?.restarts ?? 0,
    createdAt: toIso(bot.createdAt),
    updatedAt: toIso(bot.updatedAt),
  };
}

function toTurnView(botId: string, turn: TelegramTurnRecord): TelegramTurnView {
  return {
    id: turn.id,
    chatId: turn.chatId,
    userId: turn.userId,
    userName: turn.userName,
    kind: turn.kind,
    text: turn.text,
    reply: turn.reply,
    replyVoice: turn.replyVoice,
    status: turn.status,
    audioUrl: turn.audioPath ? `/api/telegram/bots/${botId}/turns/${turn.id}/audio` : null,
    createdAt: toIso(turn.createdAt),
  };
}

const ChatParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  chatId: Type.String({ pattern: '^-?[0-9]{1,20}$' }),
});
const TurnParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  turnId: Type.String({ minLength: 1, maxLength: 64 }),
});

/** `/api/telegram/bots` (admins): the bots, their processes, their conversations. */
export function telegramRoutes(
  deps: TelegramRoutesDeps,
  audioFile: (relative: string) => string,
): FastifyPluginAsyncTypebox {
  const { bots, channel } = deps;
  const view = (bot: TelegramBotRecord) => toTelegramBotView(channel, bot);
  return async (app) => {
    registerBotProcessRoutes(app, {
      platform: 'telegram',
      viewSchema: TelegramBotView,
      bots,
      processes: channel.processes,
      view,
    });
    app.get(
      '/bots',
      {
        config: { access: 'admin' },
        schema: { tags, response: { 200: StrictObject({ items: Type.Array(TelegramBotView) }), ...errors } },
      },
      async () => ({ items: (await bots.list()).map(view) }),
    );

    app.post(
      '/bots',
      {
        config: { access: 'admin', audit: 'telegram.bots.create' },
        schema: { tags, body: CreateTelegramBotRequest, response: { 201: TelegramBotView, ...errors } },
      },
      async (request, reply) => {
        const bot = await bots.create(request.body);
        if (bot.desired === 'running') await channel.processes.run(bot.id);
        return reply.status(201).send(view(bot));
      },
    );

    app.get(
      '/bots/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: IdParams, response: { 200: TelegramBotView, ...errors } },
      },
      async (request) => view(await bots.get(request.params.id)),
    );

    app.patch(
      '/bots/:id',
      {
        config: { access: 'admin', audit: 'telegram.bots.update' },
        schema: {
          tags,
          params: IdParams,
          body: UpdateTelegramBotRequest,
          response: { 200: TelegramBotView, ...errors },
        },
      },
      async (request) => {
        const bot = await bots.update(request.params.id, request.body);
        await channel.reconfigure(bot, request.body.token !== undefined);
        return view(bot);
      },
    );

    app.delete(
      '/bots/:id',
      {
        config: { access: 'admin', audit: 'telegram.bots.delete' },
        schema: { tags, params: IdParams, response: { 200: TelegramBotView, ...errors } },
      },
      async (request) => {
        await channel.processes.remove(request.params.id);
        const bot = await bots.remove(request.params.id);
        return { ...view(bot), status: 'stopped' as const };
      },
    );

    app.get(
      '/bots/:id/chats',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          response: { 200: StrictObject({ items: Type.Array(TelegramChatView) }), ...errors },
        },
      },
      async (request) => {
        await bots.get(request.params.id);
        const chats = await deps.turns.chats(request.params.id, 200);
        return { items: chats.map((c) => ({ ...c, lastAt: toIso(c.lastAt) })) };
      },
    );

    app.get(
      '/bots/:id/chats/:chatId',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: ChatParams,
          response: { 200: StrictObject({ items: Type.Array(TelegramTurnView) }), ...errors },
        },
      },
      async (request) => {
        const { id, chatId } = request.params;
        await bots.get(id);
        const turns = await deps.turns.turns(id, Number(chatId), 500);
        return { items: turns.map((t) => toTurnView(id, t)) };
      },
    );

    app.get(
      '/bots/:id/turns/:turnId/audio',
      { config: { access: 'admin' }, schema: { tags, params: TurnParams } },
      async (request, reply) => {
        const turn = await deps.turns.findById(request.params.turnId);
        if (!turn || turn.botId !== request.params.id || !turn.audioPath)
          return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No voice note for this turn' } });
        return reply.type('audio/ogg').send(createReadStream(audioFile(turn.audioPath)));
      },
    );

    app.get(
      '/bots/:id/subscribers',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          querystring: TelegramSubscriberQuery,
          response: { 200: StrictObject({ items: Type.Array(TelegramSubscriberView) }), ...errors },
        },
      },
      async (request) => {
        await bots.get(request.params.id);
        return { items: (await subscriberRows(deps, request.params.id, request.query)).map(toSubscriberView) };
      },
    );

    app.get(
      '/bots/:id/subscribers.csv',
      { config: { access: 'admin' }, schema: { tags, params: IdParams } },
      async (request, reply) => {
        const bot = await bots.get(request.params.id);
        const csv = subscribersCsv(await subscriberRows(deps, bot.id));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="subscribers-${bot.username}.csv"`)
          .send(csv);
      },
    );
  };
}
