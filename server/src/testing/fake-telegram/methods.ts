import type { BotCommand } from 'grammy/types';
import type { BotState, WebhookConfig } from './bot-state.js';
import { FileStore, MAX_DOWNLOAD_BYTES } from './files.js';
import { botMessage, deleteMessage, editMessageText, sendMessage, sendMessageDraft } from './messages.js';
import { optionalInt, optionalObject, optionalString, requireChatId, requireString, type Params } from './params.js';
import { BotApiError, badRequest } from './wire.js';
import { PAYMENT_METHODS } from './payments.js';
import type { StoredFile } from './types.js';

export interface MethodContext {
  bot: BotState;
  params: Params;
  files: Record<string, Buffer>;
  fileStore: FileStore;
  /** Aborted when the client goes away (ends a held getUpdates). */
  signal: AbortSignal;
  /** Sets (or with undefined removes) the bot's webhook and its delivery loop. */
  setWebhook: (config: WebhookConfig | undefined) => void;
}

type Handler = (ctx: MethodContext) => unknown;

const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

function getUpdates({ bot, params, signal }: MethodContext) {
  if (bot.webhook) throw new BotApiError(409, WEBHOOK_ACTIVE);
  const limit = Math.min(Math.max(optionalInt(params, 'limit') ?? 100, 1), 100);
  const timeoutS = Math.max(optionalInt(params, 'timeout') ?? 0, 0);
  return bot.take({ offset: optionalInt(params, 'offset'), limit, timeoutS, signal });
}

function setWebhook({ bot, params, setWebhook: apply }: MethodContext) {
  const url = optionalString(params, 'url') ?? '';
  const secretToken = optionalString(params, 'secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('bad webhook: secret token contains unallowed characters');
  }
  if (url !== '' && !/^https?:\/\//.test(url))
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  if (params.drop_pending_updates === true) bot.dropPending();
  const allowedUpdates = optionalObject(params, 'allowed_updates') as string[] | undefined;
  const maxConnections = optionalInt(params, 'max_connections') ?? 40;
  apply(
    url === ''
      ? undefined
      : { url, maxConnections, ...(secretToken ? { secretToken } : {}), ...(allowedUpdates ? { allowedUpdates } : {}) },
  );
  return true;
}

function deleteWebhook({ bot, params, setWebhook: apply }: MethodContext) {
  if (params.drop_pending_updates === true) bot.dropPending();
  apply(undefined);
  return true;
}

function getWebhookInfo({ bot }: MethodContext) {
  const info: Record<string, unknown> = {
    url: bot.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: bot.pending().length,
  };
  if (bot.webhook) info.max_connections = bot.webhook.maxConnections;
  if (bot.webhook?.allowedUpdates) info.allowed_updates = bot.webhook.allowedUpdates;
  if (bot.lastWebhookError) {
    info.last_error_date = bot.lastWebhookError.date;
    info.last_error_message = bot.lastWebhookError.message;
  }
  return info;
}

const FILE_KINDS = {
  voice: { folder: 'voice', extension: 'oga', mime: 'audio/ogg' },
  audio: { folder: 'music', extension: 'mp3', mime: 'audio/mpeg' },
  document: { folder: 'documents', extension: 'dat', mime: 'application/octet-stream' },
} as const;
type FileKind = keyof typeof FILE_KINDS;

/** The file a send* call refers to: an `attach://` upload (stored now) or the file_id of a stored file. */
function inputFile(ctx: MethodContext, kind: FileKind): StoredFile {
  const reference = requireString(ctx.params, kind, `there is no ${kind} in the request`);
  const attached = reference.startsWith('attach://') ? ctx.files[reference.slice('attach://'.length)] : undefined;
  if (attached) return ctx.fileStore.add(ctx.bot.token, attached, FILE_KINDS[kind].folder, FILE_KINDS[kind].extension);
  const known = ctx.fileStore.get(reference);
  if (known) return known;
  throw badRequest('wrong file identifier/HTTP URL specified');
}

function sendFile(kind: FileKind): Handler {
  return (ctx) => {
    requireChatId(ctx.params);
    const file = inputFile(ctx, kind);
    const media: Record<string, unknown> = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.size,
      mime_type: FILE_KINDS[kind].mime,
    };
    const duration = optionalInt(ctx.params, 'duration');
    if (kind !== 'document') media.duration = duration ?? 0;
    const caption = ctx.params.caption === undefined ? {} : { caption: optionalString(ctx.params, 'caption') };
    return botMessage(ctx.bot, ctx.params, { [kind]: media, ...caption });
  };
}

function getFile({ bot, params, fileStore }: MethodContext) {
  const file = fileStore.get(requireString(params, 'file_id', 'file_id is empty'));
  if (!file || file.token !== bot.token) throw badRequest('invalid file_id');
  if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.size, file_path: file.filePath };
}

function commandsKey(params: Params): string {
  const scope = optionalObject(params, 'scope') as { type?: string } | undefined;
  return `${scope?.type ?? 'default'}:${optionalString(params, 'language_code') ?? ''}`;
}

function setMyCommands({ bot, params }: MethodContext) {
  const commands = optionalObject(params, 'commands');
  if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
  for (const command of commands as BotCommand[]) {
    if (!/^[a-z0-9_]{1,32}$/.test(command.command ?? '')) throw badRequest('BOT_COMMAND_INVALID');
    if (!command.description || command.description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  bot.commands.set(commandsKey(params), commands as BotCommand[]);
  return true;
}

function answerCallbackQuery({ bot, params }: MethodContext) {
  const id = requireString(params, 'callback_query_id', 'query_id is empty');
  if (!bot.callbackQueries.delete(id)) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  return true;
}

function setChatMenuButton({ bot, params }: MethodContext) {
  bot.menuButton = optionalObject(params, 'menu_button') ?? { type: 'default' };
  return true;
}

export const METHODS: Record<string, Handler> = {
  getMe: ({ bot }) => bot.user,
  logOut: () => true,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage: ({ bot, params }) => sendMessage(bot, params),
  editMessageText: ({ bot, params }) => editMessageText(bot, params),
  deleteMessage: ({ bot, params }) => deleteMessage(bot, params),
  sendMessageDraft: ({ bot, params }) => sendMessageDraft(bot, params),
  sendChatAction: ({ params }) => (requireChatId(params), requireString(params, 'action', 'action is empty'), true),
  sendVoice: sendFile('voice'),
  sendAudio: sendFile('audio'),
  sendDocument: sendFile('document'),
  getFile,
  setMyCommands,
  getMyCommands: ({ bot, params }) => bot.commands.get(commandsKey(params)) ?? [],
  deleteMyCommands: ({ bot, params }) => (bot.commands.delete(commandsKey(params)), true),
  answerCallbackQuery,
  setChatMenuButton,
  getChatMenuButton: ({ bot }) => bot.menuButton,
  ...PAYMENT_METHODS,
};
