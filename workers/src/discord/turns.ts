import type { SendableChannels } from 'discord.js';
import type { DiscordTurnReplyMessage, DiscordTurnStartMessage } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';
import { ReplyStream } from './reply-stream.js';

/** Longest the bot waits for the orchestrator's answer (it has its own, shorter deadline). */
const REPLY_WAIT_MS = 180_000;

interface Waiting {
  stream: ReplyStream;
  resolve(reply: DiscordTurnReplyMessage | null): void;
}

export type DiscordTurn = Omit<DiscordTurnStartMessage, 'type'>;

/**
 * Turns on the bot's side: asks the orchestrator (`turn.start`), shows the answer as it is written
 * (`turn.delta` → an edited message), sends the final text, then says `turn.sent`.
 */
export class TurnClient {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly link: WorkerLink<'discord-bot'>,
    private readonly logger: Logger,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  onDelta(turnId: string, text: string): void {
    this.waiting.get(turnId)?.stream.push(text);
  }

  onAdopt(turnId: string, messageId: string): void {
    this.waiting.get(turnId)?.stream.adopt(messageId);
  }

  onReply(reply: DiscordTurnReplyMessage): void {
    this.waiting.get(reply.turnId)?.resolve(reply);
  }

  /** Runs one turn to the end; resolves once Discord has the reply (or there was nothing to send). */
  async run(turn: DiscordTurn, channel: SendableChannels, fallback: string): Promise<void> {
    const shown = (messageId: string) => this.link.send({ type: 'turn.shown', turnId: turn.turnId, messageId });
    const stream = new ReplyStream(channel, turn.turnId, this.logger, shown);
    const reply = await this.ask(turn, stream);
    if (reply === null || reply.skip) {
      stream.cancel();
      if (reply === null) await channel.send({ content: fallback, allowedMentions: { parse: [] } });
      return;
    }
    const messageIds = await stream.finish(reply.text);
    this.link.send({ type: 'turn.sent', turnId: turn.turnId, messageIds });
  }

  private ask(turn: DiscordTurn, stream: ReplyStream): Promise<DiscordTurnReplyMessage | null> {
    return new Promise((resolve) => {
      const done = (reply: DiscordTurnReplyMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(turn.turnId);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        this.logger.warn({ turnId: turn.turnId }, 'no answer from the orchestrator in time');
        done(null);
      }, REPLY_WAIT_MS);
      this.waiting.set(turn.turnId, { stream, resolve: done });
      this.link.send({ type: 'turn.start', ...turn });
    });
  }
}
