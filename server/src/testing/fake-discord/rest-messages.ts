import type { APIMessage } from 'discord-api-types/v10';
import { dispatchDelete, dispatchMessage, dispatchTyping } from './dispatch.js';
import { createMessage, MAX_CONTENT_LENGTH, type AllowedMentions } from './messages.js';
import { validComponents } from './components.js';
import type { RouteContext } from './rest-context.js';
import { emptyMessage, invalidFormBody, notAuthor, unknownMessage } from './wire.js';

function validContent(content: unknown): string | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof content !== 'string')
    throw invalidFormBody('content', 'STRING_TYPE_CONVERT', 'Could not interpret "{}" as string.');
  if (content.length > MAX_CONTENT_LENGTH) {
    throw invalidFormBody('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`);
  }
  return content;
}

/** Sending needs content (or embeds, which are stored but not rendered by the fake). */
function hasSomethingToSend(body: Record<string, unknown>, content: string | undefined): boolean {
  const embeds = Array.isArray(body.embeds) ? body.embeds.length : 0;
  return (content !== undefined && content.length > 0) || embeds > 0;
}

function referencedMessage(ctx: RouteContext): APIMessage | undefined {
  const reference = ctx.body.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
  if (reference?.message_id === undefined) return undefined;
  const found = ctx.world.findMessage(ctx.channel(), reference.message_id);
  if (!found && reference.fail_if_not_exists !== false) {
    throw invalidFormBody('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
  }
  return found;
}

export function createChannelMessage(ctx: RouteContext): APIMessage {
  const channel = ctx.channel();
  const content = validContent(ctx.body.content);
  if (!hasSomethingToSend(ctx.body, content)) throw emptyMessage();
  const message = createMessage(ctx.world, {
    channel,
    author: ctx.bot.user,
    content: content ?? '',
    reference: referencedMessage(ctx),
    allowedMentions: ctx.body.allowed_mentions as AllowedMentions | undefined,
    nonce: ctx.body.nonce as string | number | undefined,
  });
  if (Array.isArray(ctx.body.embeds)) message.embeds = ctx.body.embeds as APIMessage['embeds'];
  message.components = validComponents(ctx.body.components) ?? [];
  dispatchMessage(ctx.world, ctx.gateway, 'MESSAGE_CREATE', channel, message);
  return message;
}

function ownMessage(ctx: RouteContext): APIMessage {
  const message = ctx.world.findMessage(ctx.channel(), ctx.params.messageId!);
  if (!message) throw unknownMessage();
  if (message.author.id !== ctx.bot.user.id) throw notAuthor();
  return message;
}

export function editChannelMessage(ctx: RouteContext): APIMessage {
  const message = ownMessage(ctx);
  const content = validContent(ctx.body.content);
  if (content !== undefined) message.content = content;
  if (Array.isArray(ctx.body.embeds)) message.embeds = ctx.body.embeds as APIMessage['embeds'];
  const components = validComponents(ctx.body.components);
  if (components !== undefined) message.components = components;
  message.edited_timestamp = new Date().toISOString();
  dispatchMessage(ctx.world, ctx.gateway, 'MESSAGE_UPDATE', ctx.channel(), message);
  return message;
}

export function deleteChannelMessage(ctx: RouteContext): undefined {
  const channel = ctx.channel();
  const message = ctx.world.findMessage(channel, ctx.params.messageId!);
  if (!message) throw unknownMessage();
  channel.messages.splice(channel.messages.indexOf(message), 1);
  dispatchDelete(ctx.world, ctx.gateway, channel, message.id);
  return undefined;
}

export function getChannelMessage(ctx: RouteContext): APIMessage {
  const message = ctx.world.findMessage(ctx.channel(), ctx.params.messageId!);
  if (!message) throw unknownMessage();
  return message;
}

/** Newest first, like Discord; `before`/`after`/`around` by id, `limit` 1–100 (default 50). */
export function listChannelMessages(ctx: RouteContext): APIMessage[] {
  const limit = Number(ctx.query.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidFormBody('limit', 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 100.');
  }
  const all = ctx.channel().messages;
  const { before, after, around } = ctx.query;
  if (around !== undefined) return aroundMessages(all, around, limit);
  const picked = all.filter(
    (message) =>
      (before === undefined || BigInt(message.id) < BigInt(before)) &&
      (after === undefined || BigInt(message.id) > BigInt(after)),
  );
  const window = after !== undefined && before === undefined ? picked.slice(0, limit) : picked.slice(-limit);
  return window.reverse();
}

function aroundMessages(all: APIMessage[], around: string, limit: number): APIMessage[] {
  const index = Math.max(
    0,
    all.findIndex((message) => BigInt(message.id) >= BigInt(around)),
  );
  const start = Math.max(0, index - Math.floor(limit / 2));
  return all.slice(start, start + limit).reverse();
}

export function triggerTyping(ctx: RouteContext): undefined {
  dispatchTyping(ctx.world, ctx.gateway, ctx.channel(), ctx.bot.user.id);
  return undefined;
}

export function addReaction(ctx: RouteContext): undefined {
  const message = getChannelMessage(ctx);
  const emoji = ctx.params.emoji!;
  const reactions = (message.reactions ??= []);
  const existing = reactions.find((reaction) => reaction.emoji.name === emoji);
  if (existing?.me === true) return undefined;
  if (existing) Object.assign(existing, { count: existing.count + 1, me: true });
  else reactions.push(newReaction(emoji));
  return undefined;
}

function newReaction(emoji: string): NonNullable<APIMessage['reactions']>[number] {
  return {
    count: 1,
    count_details: { burst: 0, normal: 1 },
    me: true,
    me_burst: false,
    burst_colors: [],
    emoji: { id: null, name: emoji },
  };
}

export function removeReaction(ctx: RouteContext): undefined {
  const message = getChannelMessage(ctx);
  const emoji = ctx.params.emoji!;
  const reaction = message.reactions?.find((entry) => entry.emoji.name === emoji && entry.me);
  if (!reaction) return undefined;
  Object.assign(reaction, { count: reaction.count - 1, me: false });
  message.reactions = message.reactions!.filter((entry) => entry.count > 0);
  return undefined;
}
