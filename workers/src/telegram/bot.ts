import { Bot, GrammyError, InlineKeyboard, type Context } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import type { TelegramConfigMessage, TelegramMenuButton, TelegramUser } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';
import { BOT_TEXTS, type BotTexts } from './texts.js';
import { OWNER_BUTTON } from '@ai-secretary/protocol';
import { OwnerButtons } from './owner-buttons.js';
import { LEAVE_MESSAGE, TurnClient } from './turns.js';
import { FunnelClient } from './funnel-client.js';
import { PaymentFlow } from './payments.js';

/** Telegram lets bots download files up to 20 MB through getFile. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const PHONE = /^\+?[0-9][0-9 ()-]{5,22}$/;
/** Telegram's messages hold 4096 characters; anything longer is not from Telegram and is cut, not refused. */
const MAX_TURN_TEXT = 16_384;

type FormStep = { step: 'name' } | { step: 'phone'; name: string } | { step: 'note'; name: string; phone: string };

export interface BotDeps {
  config: () => TelegramConfigMessage;
  link: WorkerLink<'telegram-bot'>;
  logger: Logger;
}

function userOf(ctx: Context): TelegramUser {
  const from = ctx.from!;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return {
    id: from.id,
    ...(from.username ? { username: from.username } : {}),
    ...(name ? { name: name.slice(0, 256) } : {}),
    ...(from.language_code ? { languageCode: from.language_code } : {}),
  };
}

function menuKeyboard(menu: TelegramMenuButton[]): InlineKeyboard | undefined {
  if (menu.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  menu.forEach((button, index) => {
    if (button.action === 'link' && button.url) keyboard.url(button.label, button.url);
    else keyboard.text(button.label, `menu:${index}`);
    keyboard.row();
  });
  return keyboard;
}

/**
 * The bot's handlers on grammY: commands, menu buttons and the call-back form, and every text or voice
 * message a user addresses to it becomes a turn the orchestrator answers. Groups: only when the bot is
 * mentioned or replied to (or never, `groupMode: off`).
 */
export function createBot(deps: BotDeps) {
  const config = deps.config();
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  // A 429 says when to try again: waited out as often as it comes (a budget shared with 5xx dropped replies
  // when hundreds of chats wrote at once), up to 60 s each; 5xx gets 5 retries with backoff, then the dispatcher's.
  bot.api.config.use(autoRetry({ maxDelaySeconds: 60, rethrowInternalServerErrors: true }));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  const turns = new TurnClient(
    () => bot.api,
    deps.link,
    () => deps.config(),
    deps.logger,
  );
  /** Per chat, the turn being answered (an owner prompt waits for it). */
  const answering = new Map<number, Promise<unknown>>();
  const owner = new OwnerButtons(
    () => bot.api,
    deps.link,
    deps.logger,
    async (chatId) => void (await answering.get(chatId)),
  );
  /** Runs a turn, noting it as the chat's turn in progress. */
  async function runTurn(turn: Parameters<TurnClient['run']>[0], fallback: string): Promise<void> {
    const running = turns.run(turn, fallback);
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    answering.set(turn.chat.id, settled);
    try {
      await running;
    } finally {
      if (answering.get(turn.chat.id) === settled) answering.delete(turn.chat.id);
    }
  }
  const funnel = new FunnelClient(() => bot.api, deps.link, deps.logger);
  const forms = new Map<number, FormStep>();
  const texts = (): BotTexts => BOT_TEXTS[deps.config().language];

  const addressed = (ctx: Context): boolean => {
    const chat = ctx.chat;
    if (!chat || chat.type === 'private') return true;
    if (deps.config().groupMode === 'off' || !ctx.message) return false;
    const me = ctx.me;
    if (ctx.message.reply_to_message?.from?.id === me.id) return true;
    const text = ctx.message.text ?? ctx.message.caption ?? '';
    return text.toLowerCase().includes(`@${me.username.toLowerCase()}`);
  };

  const withoutMention = (ctx: Context, text: string) =>
    text.replace(new RegExp(`@${ctx.me.username}\\b`, 'gi'), '').trim();

  const turnOf = (ctx: Context, kind: 'text' | 'voice' | 'button') => ({
    turnId: String(ctx.update.update_id),
    updateId: ctx.update.update_id,
    chat: { id: ctx.chat!.id, type: ctx.chat!.type },
    from: userOf(ctx),
    kind,
    draftable: ctx.chat!.type === 'private',
  });

  async function greet(ctx: Context): Promise<void> {
    const { greeting, menu } = deps.config();
    await ctx.reply(greeting.trim() || texts().greeting, { reply_markup: menuKeyboard(menu) });
  }

  bot.command('start', async (ctx) => {
    if (ctx.chat.type === 'private' && ctx.from) {
      const source = /^[A-Za-z0-9_-]{1,64}$/.test(ctx.match) ? ctx.match : null;
      // With a funnel the orchestrator subscribes the user and answers with the funnel's first step.
      if (deps.config().funnel) {
        forms.delete(ctx.chat.id);
        if (await funnel.run(ctx, userOf(ctx), { kind: 'start' }, source)) return;
      } else deps.link.send({ type: 'chat.start', chatId: ctx.chat.id, from: userOf(ctx), source });
    }
    await greet(ctx);
  });

  // Funnel buttons (and `funnel:resume` under follow-ups); a stale or unknown one is just acknowledged.
  bot.callbackQuery(/^funnel:/, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!ctx.chat || ctx.chat.type !== 'private') return;
    await funnel.run(ctx, userOf(ctx), { kind: 'press', data: ctx.callbackQuery.data });
  });

  // A user blocking the bot (or unblocking it) arrives as my_chat_member in their private chat.
  bot.on('my_chat_member', (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === 'kicked' || status === 'member')
      deps.link.send({ type: 'chat.member', chatId: ctx.chat.id, blocked: status === 'kicked' });
  });
  bot.command('help', async (ctx) => {
    await ctx.reply(texts().help, { reply_markup: menuKeyboard(deps.config().menu) });
  });
  bot.command(['reset', 'stop'], async (ctx) => {
    const unsubscribe = ctx.message?.text?.startsWith('/stop') ?? false;
    forms.delete(ctx.chat.id);
    deps.link.send({ type: 'chat.reset', chatId: ctx.chat.id, unsubscribe });
    await ctx.reply(unsubscribe ? texts().stopped : texts().reset);
  });

  bot.callbackQuery(OWNER_BUTTON, (ctx) => owner.onPress(ctx));
  const payments = new PaymentFlow({
    api: () => bot.api,
    link: deps.link,
    config: deps.config,
    logger: deps.logger,
    userOf,
  });
  payments.register(bot);

  bot.callbackQuery(LEAVE_MESSAGE, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!ctx.chat) return;
    forms.set(ctx.chat.id, { step: 'name' });
    await ctx.reply(texts().formName);
  });

  bot.callbackQuery(/^menu:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const button = deps.config().menu[Number(ctx.match[1])];
    if (!button || !ctx.chat) return;
    if (button.action === 'answer') await ctx.reply(button.text ?? '');
    else if (button.action === 'form') {
      forms.set(ctx.chat.id, { step: 'name' });
      await ctx.reply(texts().formName);
    } else if (button.action === 'prompt')
      await runTurn({ ...turnOf(ctx, 'button'), text: button.text ?? '' }, texts().noAnswer);
  });

  async function continueForm(ctx: Context, form: FormStep, text: string): Promise<void> {
    const chatId = ctx.chat!.id;
    if (text === '/cancel') {
      forms.delete(chatId);
      return void (await ctx.reply(texts().formCancelled));
    }
    if (form.step === 'name') {
      forms.set(chatId, { step: 'phone', name: text.slice(0, 200) });
      return void (await ctx.reply(texts().formPhone));
    }
    if (form.step === 'phone') {
      if (!PHONE.test(text) || text.replace(/\D/g, '').length < 6)
        return void (await ctx.reply(texts().formPhoneInvalid));
      forms.set(chatId, { step: 'note', name: form.name, phone: text });
      return void (await ctx.reply(texts().formNote));
    }
    forms.delete(chatId);
    const note = text === '-' ? '' : text.slice(0, 4000);
    deps.link.send({ type: 'lead', chatId, from: userOf(ctx), name: form.name, phone: form.phone, note });
    await ctx.reply(texts().formThanks);
  }

  bot.on('message:text', async (ctx) => {
    if (!ctx.from) return; // anonymous senders (channel posts, anonymous group admins): nobody to answer
    const form = forms.get(ctx.chat.id);
    if (form && ctx.chat.type === 'private') return continueForm(ctx, form, ctx.message.text.trim());
    if (!addressed(ctx)) return;
    const text = withoutMention(ctx, ctx.message.text).slice(0, MAX_TURN_TEXT);
    if (!text) return;
    // A question of the funnel takes the answer; anything else (or an LLM step) is a turn.
    if (deps.config().funnel && ctx.chat.type === 'private') {
      if (await funnel.run(ctx, userOf(ctx), { kind: 'text', text: text.slice(0, 4096) })) return;
    }
    await runTurn({ ...turnOf(ctx, 'text'), text }, texts().noAnswer);
  });

  bot.on(['message:voice', 'message:audio'], async (ctx) => {
    if (!ctx.from || !addressed(ctx)) return;
    const file = ctx.message.voice ?? ctx.message.audio;
    const { maxVoiceSeconds, maxVoiceBytes } = deps.config();
    if (file.duration > maxVoiceSeconds) return void (await ctx.reply(texts().voiceTooLong(maxVoiceSeconds)));
    if ((file.file_size ?? 0) > Math.min(maxVoiceBytes, MAX_DOWNLOAD_BYTES))
      return void (await ctx.reply(texts().voiceTooBig));
    const ogg = await download(file.file_id).catch((error: unknown) => {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'voice download failed');
      return null;
    });
    if (!ogg) return void (await ctx.reply(texts().voiceDownloadFailed));
    await runTurn(
      { ...turnOf(ctx, 'voice'), voice: { ogg: ogg.toString('base64'), durationS: file.duration } },
      texts().noAnswer,
    );
  });

  /** getFile, then `GET {root}/file/bot<token>/<file_path>`. */
  async function download(fileId: string): Promise<Buffer> {
    const { apiRoot, token, maxVoiceBytes } = deps.config();
    const file = await bot.api.getFile(fileId);
    if (!file.file_path) throw new Error('getFile returned no file_path');
    const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, {
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`file download answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > Math.min(maxVoiceBytes, MAX_DOWNLOAD_BYTES)) throw new Error('file larger than allowed');
    return bytes;
  }

  bot.catch((error) => {
    const chat = error.ctx.chat;
    if (error.error instanceof GrammyError && error.error.error_code === 403 && chat?.type === 'private')
      deps.link.send({ type: 'chat.member', chatId: chat.id, blocked: true }); // "bot was blocked by the user"
    deps.logger.warn(
      {
        err: error.error instanceof Error ? error.error.message : String(error.error),
        updateId: error.ctx.update.update_id,
      },
      'update handler failed',
    );
  });

  /** Registers the commands in both languages (the menu Telegram shows next to the input field). */
  async function registerCommands(): Promise<void> {
    for (const language of ['en', 'ru'] as const) {
      const c = BOT_TEXTS[language].commands;
      const commands = [
        { command: 'start', description: c.start },
        { command: 'help', description: c.help },
        { command: 'reset', description: c.reset },
        { command: 'stop', description: c.stop },
      ];
      await bot.api.setMyCommands(commands, language === 'en' ? {} : { language_code: language });
    }
  }

  return { bot, turns, owner, funnel, payments, registerCommands };
}

export type BotInstance = ReturnType<typeof createBot>;
