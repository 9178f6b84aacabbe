import { InlineKeyboard, InputFile, type Api } from 'grammy';
import type { TurnReplyMessage, TurnStartMessage } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';
import { formatReply } from './format.js';
import { ReplyStream } from './reply-stream.js';
import { BOT_TEXTS } from './texts.js';

/** Longest the bot waits for the orchestrator's answer (it has its own, shorter deadline). */
const REPLY_WAIT_MS = 180_000;

interface Waiting {
  stream: ReplyStream;
  resolve(reply: TurnReplyMessage): void;
}

export interface TurnSettings {
  transcript: 'off' | 'inline' | 'collapsed';
  language: 'en' | 'ru';
}

/** The callback data of the "leave a message" button offered when no answer could be written. */
export const LEAVE_MESSAGE = 'form:start';

/** What a finished turn measured (logged; the bench reads it). */
export interface TurnTiming {
  firstVisibleMs: number | undefined;
  totalMs: number;
}

/**
 * Turns on the bot's side: asks the orchestrator (`turn.start`), shows the answer as it is written
 * (`turn.delta` → drafts or edits), sends the final text and voice, then says `turn.sent`.
 */
export class TurnClient {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly api: () => Api,
    private readonly link: WorkerLink<'telegram-bot'>,
    private readonly settings: () => TurnSettings,
    private readonly logger: Logger,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  onDelta(turnId: string, text: string): void {
    this.waiting.get(turnId)?.stream.push(text);
  }

  onReply(reply: TurnReplyMessage): void {
    this.waiting.get(reply.turnId)?.resolve(reply);
  }

  /** Runs one turn to the end; resolves once Telegram has the reply (or there was nothing to send). */
  async run(turn: Omit<TurnStartMessage, 'type'>, fallback: string): Promise<TurnTiming> {
    const startedAt = performance.now();
    const stream = new ReplyStream(this.api(), turn.chat.id, turn.draftable, this.logger);
    const reply = await this.ask(turn, stream);
    if (reply === null) {
      stream.cancel();
      await this.api().sendMessage(turn.chat.id, fallback);
      return { firstVisibleMs: undefined, totalMs: performance.now() - startedAt };
    }
    if (reply.skip) {
      stream.cancel();
      return { firstVisibleMs: undefined, totalMs: performance.now() - startedAt };
    }
    const { transcript, language } = this.settings();
    const offer = reply.offerMessage
      ? new InlineKeyboard().text(BOT_TEXTS[language].leaveMessage, LEAVE_MESSAGE)
      : undefined;
    const ids = await stream.finish(formatReply(reply.text, reply.transcript, transcript), offer);
    if (reply.voice) ids.push(await this.sendVoice(turn.chat.id, reply.voice));
    this.link.send({ type: 'turn.sent', turnId: turn.turnId, messageIds: ids });
    return { firstVisibleMs: stream.firstVisibleMs, totalMs: performance.now() - startedAt };
  }

  private ask(turn: Omit<TurnStartMessage, 'type'>, stream: ReplyStream): Promise<TurnReplyMessage | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(turn.turnId);
        this.logger.warn({ turnId: turn.turnId }, 'no answer from the orchestrator in time');
        resolve(null);
      }, REPLY_WAIT_MS);
      this.waiting.set(turn.turnId, {
        stream,
        resolve: (reply) => {
          clearTimeout(timer);
          this.waiting.delete(turn.turnId);
          resolve(reply);
        },
      });
      this.link.send({ type: 'turn.start', ...turn });
    });
  }

  private async sendVoice(chatId: number, base64: string): Promise<number> {
    const voice = new InputFile(Buffer.from(base64, 'base64'), 'reply.ogg');
    return (await this.api().sendVoice(chatId, voice)).message_id;
  }
}
