import type { APIApplicationCommand } from 'discord-api-types/v10';
import { applicationObject, channelObject } from './payloads.js';
import type { RouteContext } from './rest-context.js';
import {
  addReaction,
  createChannelMessage,
  deleteChannelMessage,
  editChannelMessage,
  getChannelMessage,
  listChannelMessages,
  removeReaction,
  triggerTyping,
} from './rest-messages.js';
import { DiscordApiError, invalidFormBody, notFound, unknownUser } from './wire.js';

export interface Route {
  method: string;
  /** `/channels/:channelId/messages`: literal segments, or `:name` capturing one segment. */
  path: string;
  /** false: answered without Authorization (GET /gateway). */
  auth?: boolean;
  /** Returns the JSON body; undefined answers 204 No Content. */
  handle: (ctx: RouteContext) => unknown;
}

function gatewayBot(ctx: RouteContext) {
  return {
    url: ctx.gatewayUrl,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  };
}

function openDm(ctx: RouteContext) {
  const recipientId = ctx.body.recipient_id;
  if (typeof recipientId !== 'string')
    throw invalidFormBody('recipient_id', 'BASE_TYPE_REQUIRED', 'This field is required');
  const user = ctx.world.users.get(recipientId);
  if (!user) throw unknownUser();
  return channelObject(ctx.world.dmChannel(ctx.bot, user));
}

function ownApplication(ctx: RouteContext): void {
  if (ctx.params.applicationId !== ctx.bot.applicationId) throw new DiscordApiError(403, 50001, 'Missing Access');
}

function commandScope(ctx: RouteContext): string {
  ownApplication(ctx);
  const guildId = ctx.params.guildId;
  if (guildId !== undefined && !ctx.world.guilds.has(guildId)) throw new DiscordApiError(404, 10004, 'Unknown Guild');
  return guildId ?? 'global';
}

/** Bulk overwrite: the list replaces the scope's commands; ids are kept for names that already existed. */
function overwriteCommands(ctx: RouteContext): APIApplicationCommand[] {
  const scope = commandScope(ctx);
  if (!Array.isArray(ctx.json)) throw invalidFormBody('_errors', 'LIST_TYPE_CONVERT', 'Must be an array.');
  const previous = ctx.bot.commands.get(scope) ?? [];
  const stored = (ctx.json as Array<Record<string, unknown>>).map((command) => {
    const id = previous.find((old) => old.name === command.name)?.id ?? ctx.world.ids.next();
    return storedCommand(ctx, scope, id, command);
  });
  ctx.bot.commands.set(scope, stored);
  return stored;
}

function storedCommand(ctx: RouteContext, scope: string, id: string, command: Record<string, unknown>) {
  return {
    type: 1,
    description: '',
    default_member_permissions: null,
    nsfw: false,
    ...command,
    id,
    application_id: ctx.bot.applicationId,
    ...(scope === 'global' ? {} : { guild_id: scope }),
    version: ctx.world.ids.next(),
  } as APIApplicationCommand;
}

function userById(ctx: RouteContext) {
  const user = ctx.world.users.get(ctx.params.userId!);
  if (!user) throw unknownUser();
  return user;
}

/** Interaction responses authenticate by the interaction token in the path, not by the bot token. */
const INTERACTION_ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/interactions/:interactionId/:interactionToken/callback',
    auth: false,
    handle: (ctx) => ctx.interactions.callback(ctx),
  },
  {
    method: 'POST',
    path: '/webhooks/:applicationId/:interactionToken',
    auth: false,
    handle: (ctx) => ctx.interactions.followUp(ctx),
  },
  {
    method: 'GET',
    path: '/webhooks/:applicationId/:interactionToken/messages/:messageId',
    auth: false,
    handle: (ctx) => ctx.interactions.fetch(ctx),
  },
  {
    method: 'PATCH',
    path: '/webhooks/:applicationId/:interactionToken/messages/:messageId',
    auth: false,
    handle: (ctx) => ctx.interactions.edit(ctx),
  },
];

/** Literal routes come before the ones whose `:param` would swallow them (`/users/@me` before `/users/:userId`). */
export const ROUTES: Route[] = [
  { method: 'GET', path: '/gateway', auth: false, handle: (ctx) => ({ url: ctx.gatewayUrl }) },
  { method: 'GET', path: '/gateway/bot', handle: gatewayBot },
  { method: 'GET', path: '/users/@me', handle: (ctx) => ctx.bot.user },
  { method: 'POST', path: '/users/@me/channels', handle: openDm },
  { method: 'GET', path: '/users/:userId', handle: userById },
  { method: 'GET', path: '/applications/@me', handle: (ctx) => applicationObject(ctx.bot) },
  { method: 'GET', path: '/channels/:channelId', handle: (ctx) => channelObject(ctx.channel()) },
  { method: 'GET', path: '/channels/:channelId/messages', handle: listChannelMessages },
  { method: 'POST', path: '/channels/:channelId/messages', handle: createChannelMessage },
  { method: 'GET', path: '/channels/:channelId/messages/:messageId', handle: getChannelMessage },
  { method: 'PATCH', path: '/channels/:channelId/messages/:messageId', handle: editChannelMessage },
  { method: 'DELETE', path: '/channels/:channelId/messages/:messageId', handle: deleteChannelMessage },
  { method: 'POST', path: '/channels/:channelId/typing', handle: triggerTyping },
  { method: 'PUT', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', handle: addReaction },
  { method: 'DELETE', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', handle: removeReaction },
  {
    method: 'GET',
    path: '/applications/:applicationId/commands',
    handle: (ctx) => ctx.bot.commands.get(commandScope(ctx)) ?? [],
  },
  { method: 'PUT', path: '/applications/:applicationId/commands', handle: overwriteCommands },
  {
    method: 'GET',
    path: '/applications/:applicationId/guilds/:guildId/commands',
    handle: (ctx) => ctx.bot.commands.get(commandScope(ctx)) ?? [],
  },
  { method: 'PUT', path: '/applications/:applicationId/guilds/:guildId/commands', handle: overwriteCommands },
  ...INTERACTION_ROUTES,
];

export interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

export function matchRoute(method: string, path: string): MatchedRoute {
  const segments = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchSegments(route.path.split('/').filter(Boolean), segments);
    if (params) return { route, params };
  }
  throw notFound();
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(segment);
    else if (part !== segment) return undefined;
  }
  return params;
}
