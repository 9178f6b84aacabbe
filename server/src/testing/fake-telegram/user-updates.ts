import { randomBytes } from 'node:crypto';
import type { Message, Update } from 'grammy/types';
import { type BotState, userFrom } from './bot-state.js';
import type { FileStore } from './files.js';
import { detectEntities } from './markup.js';
import type { UserMessageSpec, UserPressSpec, UserVoiceSpec } from './types.js';

const now = () => Math.floor(Date.now() / 1000);

function replyTarget(bot: BotState, chatId: number, replyTo: boolean | number | undefined): Message | undefined {
  if (replyTo === undefined || replyTo === false) return undefined;
  if (typeof replyTo === 'number') return bot.message(chatId, replyTo);
  return bot.botMessages(chatId).at(-1);
}

/** A message from a user, numbered in the chat's message sequence and stored like Telegram keeps it. */
function userMessage(bot: BotState, spec: Omit<UserMessageSpec, 'text'>, content: Record<string, unknown>): Message {
  const from = userFrom(spec.from, spec.chatId);
  const chat = bot.chat(spec.chatId, spec.chatType, from).chat;
  const message = { message_id: bot.nextMessageId(spec.chatId), from, chat, date: now(), ...content } as Message;
  const target = replyTarget(bot, spec.chatId, spec.replyToBotMessage);
  if (target) message.reply_to_message = target as NonNullable<Message['reply_to_message']>;
  bot.store(message, false);
  return message;
}

export function textUpdate(bot: BotState, spec: UserMessageSpec): Update {
  const entities = spec.entities ?? detectEntities(spec.text);
  const content = entities.length > 0 ? { text: spec.text, entities } : { text: spec.text };
  return bot.push({ message: userMessage(bot, spec, content) });
}

export function voiceUpdate(bot: BotState, files: FileStore, spec: UserVoiceSpec): Update {
  const file = files.add(bot.token, spec.ogg, 'voice', 'oga', spec.fileSize ?? spec.ogg.length);
  const voice = {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    duration: spec.duration,
    mime_type: spec.mimeType ?? 'audio/ogg',
    file_size: file.size,
  };
  return bot.push({ message: userMessage(bot, spec, { voice }) });
}

export function callbackUpdate(bot: BotState, spec: UserPressSpec): Update {
  const from = userFrom(spec.from, spec.chatId);
  const id = randomBytes(8).readBigUInt64BE().toString();
  const message =
    spec.messageId === undefined ? bot.botMessages(spec.chatId).at(-1) : bot.message(spec.chatId, spec.messageId);
  bot.callbackQueries.add(id);
  const query: Record<string, unknown> = { id, from, chat_instance: `ci${spec.chatId}`, data: spec.data };
  if (message) query.message = message;
  return bot.push({ callback_query: query });
}
