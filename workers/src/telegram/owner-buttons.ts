import { randomUUID } from 'node:crypto';
import { InlineKeyboard, type Api, type Context } from 'grammy';
import { OWNER_BUTTON, ownerButtonId, type OwnerAnswerMessage, type OwnerPromptMessage } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';

/** Longest a press waits for the orchestrator (the command itself may take a while: an SMS through the modem). */
const ANSWER_WAIT_MS = 60_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Owner confirmations on the bot's side: shows a prompt (a message with an inline keyboard: Confirm / Cancel) and
 * passes each press to the orchestrator (`owner.press`), which decides; its answer edits the prompt (keyboard
 * gone) or is shown to the presser as the callback's alert.
 */
export class OwnerButtons {
  private readonly waiting = new Map<string, (answer: OwnerAnswerMessage | null) => void>();

  constructor(
    private readonly api: () => Api,
    private readonly link: WorkerLink<'telegram-bot'>,
    private readonly logger: Logger,
    /** Resolves once the chat's reply in progress (if any) is sent, so the prompt comes under it. */
    private readonly settled: (chatId: number) => Promise<void>,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  async show(prompt: OwnerPromptMessage): Promise<void> {
    const keyboard = new InlineKeyboard()
      .text(prompt.confirmLabel, ownerButtonId(prompt.commandId, 'confirm'))
      .text(prompt.cancelLabel, ownerButtonId(prompt.commandId, 'cancel'));
    try {
      await this.settled(Number(prompt.chatId));
      await this.api().sendMessage(Number(prompt.chatId), prompt.text, { reply_markup: keyboard });
    } catch (error) {
      this.logger.warn({ commandId: prompt.commandId, err: errorText(error) }, 'owner prompt not shown');
    }
  }

  onAnswer(answer: OwnerAnswerMessage): void {
    this.waiting.get(answer.pressId)?.(answer);
  }

  /** A press of `owner:<id>:confirm|cancel` (the router matched the data). */
  async onPress(ctx: Context): Promise<void> {
    const match = OWNER_BUTTON.exec(ctx.callbackQuery?.data ?? '');
    if (!match || !ctx.chat || !ctx.from) return void (await ctx.answerCallbackQuery());
    const answer = await this.ask(ctx, match[1]!, match[2] as 'confirm' | 'cancel');
    if (answer === null) return void (await ctx.answerCallbackQuery());
    if (!answer.edit) return void (await ctx.answerCallbackQuery({ text: answer.text, show_alert: true }));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(answer.text);
  }

  private ask(ctx: Context, commandId: string, action: 'confirm' | 'cancel') {
    const pressId = randomUUID();
    const from = ctx.from!;
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || String(from.id);
    const user = { id: String(from.id), name: name.slice(0, 256) };
    return new Promise<OwnerAnswerMessage | null>((resolve) => {
      const done = (answer: OwnerAnswerMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(pressId);
        resolve(answer);
      };
      const timer = setTimeout(() => done(null), ANSWER_WAIT_MS);
      this.waiting.set(pressId, done);
      this.link.send({ type: 'owner.press', pressId, commandId, action, chatId: String(ctx.chat!.id), user });
    });
  }
}
