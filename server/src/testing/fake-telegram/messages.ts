import type { Message, MessageEntity } from 'grammy/types';
import type { BotState } from './bot-state.js';
import { parseMessageText } from './markup.js';
import {
  optionalInt,
  optionalObject,
  optionalString,
  requireChatId,
  requireInt,
  requireString,
  type Params,
} from './params.js';
import { badRequest } from './wire.js';

export const MAX_TEXT_LENGTH = 4096;
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const now = () => Math.floor(Date.now() / 1000);

/** Text and entities after parse_mode, with Telegram's length check. */
export function messageText(params: Params, required: boolean) {
  const raw = required
    ? requireString(params, 'text', 'message text is empty')
    : (optionalString(params, 'text') ?? '');
  const parsed = parseMessageText(raw, params.parse_mode, optionalObject(params, 'entities'));
  if (parsed.text.length > MAX_TEXT_LENGTH) throw badRequest(required ? 'message is too long' : 'text is too long');
  if (required && parsed.text.trim() === '') throw badRequest('message text is empty');
  return parsed;
}

function replyTarget(bot: BotState, chatId: number, params: Params): Message | undefined {
  const parameters = optionalObject(params, 'reply_parameters') as { message_id?: number } | undefined;
  const id = parameters?.message_id ?? optionalInt(params, 'reply_to_message_id');
  return id === undefined ? undefined : bot.message(chatId, id);
}

/** A new message from the bot in `chat_id`, stored so it can be edited, deleted and replied to. */
export function botMessage(bot: BotState, params: Params, content: Record<string, unknown>): Message {
  const chatId = requireChatId(params);
  const chat = bot.chat(chatId).chat;
  const message = {
    message_id: bot.nextMessageId(chatId),
    from: { id: bot.user.id, is_bot: true, first_name: bot.user.first_name, username: bot.user.username },
    chat,
    date: now(),
    ...content,
  } as Message;
  const target = replyTarget(bot, chatId, params);
  if (target) message.reply_to_message = target as NonNullable<Message['reply_to_message']>;
  const markup = optionalObject(params, 'reply_markup') as Message['reply_markup'] | undefined;
  if (markup && 'inline_keyboard' in markup) message.reply_markup = markup;
  bot.store(message, true);
  return message;
}

export function sendMessage(bot: BotState, params: Params): Message {
  const { text, entities } = messageText(params, true);
  return botMessage(bot, params, entities.length > 0 ? { text, entities } : { text });
}

const sameEntities = (a: MessageEntity[] | undefined, b: MessageEntity[]) =>
  JSON.stringify(a ?? []) === JSON.stringify(b);

export function editMessageText(bot: BotState, params: Params): Message | true {
  if (params.inline_message_id !== undefined) return true;
  const chatId = requireChatId(params);
  const message = bot.message(chatId, requireInt(params, 'message_id', 'message identifier is not specified'));
  if (!message || message.from?.id !== bot.user.id) throw badRequest('message to edit not found');
  const { text, entities } = messageText(params, true);
  const markup = optionalObject(params, 'reply_markup') as Message['reply_markup'] | undefined;
  const sameMarkup = JSON.stringify(markup) === JSON.stringify(message.reply_markup);
  if (message.text === text && sameEntities(message.entities, entities) && sameMarkup) throw badRequest(NOT_MODIFIED);
  const edited = { ...message, text, edit_date: now() } as Message;
  if (entities.length > 0) edited.entities = entities;
  else delete edited.entities;
  if (markup) edited.reply_markup = markup;
  bot.store(edited, false);
  return edited;
}

export function deleteMessage(bot: BotState, params: Params): true {
  const chatId = requireChatId(params);
  const messageId = requireInt(params, 'message_id', 'message identifier is not specified');
  if (!bot.deleteMessage(chatId, messageId)) throw badRequest('message to delete not found');
  return true;
}

export function sendMessageDraft(bot: BotState, params: Params): true {
  const chatId = requireChatId(params);
  const draftId = requireInt(params, 'draft_id', 'draft_id is empty');
  if (draftId === 0) throw badRequest('draft_id must be non-zero');
  if (bot.chat(chatId).chat.type !== 'private') {
    throw badRequest("sendMessageDraft can't be used in this chat: private chats only");
  }
  messageText(params, false);
  return true;
}
