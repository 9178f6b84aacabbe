import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { AdminErrorBody, IdParams, ProcessLogs, type TelegramBotStatus } from '@ai-secretary/protocol';
import type { BotProcesses } from '../../channels/bot-processes.js';
import type { SupervisedChild } from '../../processes/supervised-child.js';

/** The admin API's error answers on every bot route. */
export const BOT_ROUTE_ERRORS = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
  502: AdminErrorBody,
};

/** Telegram and Discord bots share their status words. */
export type BotStatus = TelegramBotStatus;

/**
 * A bot's status as admins see it, from its process's state and whether the platform accepted it (`ready`:
 * the bot said so on its current link).
 */
export function botStatusOf(
  child: SupervisedChild | undefined,
  ready: boolean,
): { status: BotStatus; lastError: string | null } {
  if (!child) return { status: 'stopped', lastError: null };
  switch (child.status) {
    case 'ready':
      return { status: ready ? 'running' : 'starting', lastError: null };
    case 'starting':
      return { status: 'starting', lastError: null };
    case 'backoff':
      return { status: 'crashed', lastError: child.lastExit?.reason ?? null };
    case 'stopping':
      return { status: 'stopping', lastError: null };
    case 'failed':
      return { status: 'failed', lastError: child.failureReason };
    case 'stopped':
      return { status: 'stopped', lastError: null };
  }
}

export interface BotProcessRoutesDeps<B, V> {
  /** `telegram` or `discord`: the tag and the audit actions' prefix. */
  platform: 'telegram' | 'discord';
  /** The bot view's schema (the answer of start/stop/restart). */
  viewSchema: TSchema;
  bots: { get(id: string): Promise<B> };
  processes: Pick<BotProcesses, 'run' | 'halt' | 'restart' | 'child'>;
  view(bot: B): V;
}

/** `POST /bots/:id/{start,stop,restart}` and `GET /bots/:id/logs`, the same for every bot platform. */
export function registerBotProcessRoutes<B, V>(app: FastifyInstance, deps: BotProcessRoutesDeps<B, V>): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { bots, processes, platform } = deps;
  const tags = [platform];
  for (const action of ['start', 'stop', 'restart'] as const) {
    typed.post(
      `/bots/:id/${action}`,
      {
        config: { access: 'admin', audit: `${platform}.bots.${action}` },
        schema: { tags, params: IdParams, response: { 200: deps.viewSchema, ...BOT_ROUTE_ERRORS } },
      },
      async (request) => {
        const { id } = request.params;
        await bots.get(id);
        if (action === 'start') await processes.run(id);
        else if (action === 'stop') await processes.halt(id);
        else await processes.restart(id);
        return deps.view(await bots.get(id));
      },
    );
  }
  typed.get(
    '/bots/:id/logs',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 200: ProcessLogs, ...BOT_ROUTE_ERRORS } },
    },
    async (request) => {
      await bots.get(request.params.id);
      const child = processes.child(request.params.id);
      return { id: child?.id ?? request.params.id, lines: child?.logs() ?? [] };
    },
  );
}
