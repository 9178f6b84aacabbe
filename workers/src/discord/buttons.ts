import { randomUUID } from 'node:crypto';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type ButtonInteraction,
  type Client,
} from 'discord.js';
import { OWNER_BUTTON, ownerButtonId, type OwnerAnswerMessage, type OwnerPromptMessage } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';

/** Longest a press waits for the orchestrator (the command itself may take a while: an SMS through the modem). */
const ANSWER_WAIT_MS = 60_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function buttons(prompt: OwnerPromptMessage) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(ownerButtonId(prompt.commandId, 'confirm'))
      .setLabel(prompt.confirmLabel)
      .setStyle(ButtonStyle.Success),
    new ButtonBuilder()
      .setCustomId(ownerButtonId(prompt.commandId, 'cancel'))
      .setLabel(prompt.cancelLabel)
      .setStyle(ButtonStyle.Secondary),
  );
}

/**
 * Owner confirmations on the bot's side: shows a prompt (a message with Confirm / Cancel buttons) and passes each
 * press to the orchestrator (`owner.press`), which decides; its answer edits the prompt (buttons gone) or is shown
 * to the presser alone. The press is acknowledged at once (deferUpdate), so Discord's 3 s limit never bites.
 */
export class OwnerButtons {
  private readonly waiting = new Map<string, (answer: OwnerAnswerMessage | null) => void>();

  constructor(
    private readonly client: Client,
    private readonly link: WorkerLink<'discord-bot'>,
    private readonly logger: Logger,
    /** Resolves once the channel's reply in progress (if any) is sent, so the prompt comes under it. */
    private readonly settled: (channelId: string) => Promise<void>,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  async show(prompt: OwnerPromptMessage): Promise<void> {
    try {
      await this.settled(prompt.chatId);
      const channel = await this.client.channels.fetch(prompt.chatId);
      if (!channel?.isSendable()) throw new Error('the channel cannot be written to');
      await channel.send({ content: prompt.text, components: [buttons(prompt)], allowedMentions: { parse: [] } });
    } catch (error) {
      this.logger.warn({ commandId: prompt.commandId, err: errorText(error) }, 'owner prompt not shown');
    }
  }

  onAnswer(answer: OwnerAnswerMessage): void {
    this.waiting.get(answer.pressId)?.(answer);
  }

  /** A button press: ours are `owner:<id>:confirm|cancel`; anything else is left alone. */
  async onButton(interaction: ButtonInteraction): Promise<void> {
    const match = OWNER_BUTTON.exec(interaction.customId);
    if (!match) return;
    await interaction.deferUpdate();
    const answer = await this.ask(interaction, match[1]!, match[2] as 'confirm' | 'cancel');
    if (answer === null) return;
    if (answer.edit) await interaction.editReply({ content: answer.text, components: [] });
    else await interaction.followUp({ content: answer.text, flags: MessageFlags.Ephemeral });
  }

  private ask(interaction: ButtonInteraction, commandId: string, action: 'confirm' | 'cancel') {
    const pressId = randomUUID();
    const user = {
      id: interaction.user.id,
      name: (interaction.user.globalName ?? interaction.user.username).slice(0, 256),
    };
    return new Promise<OwnerAnswerMessage | null>((resolve) => {
      const done = (answer: OwnerAnswerMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(pressId);
        resolve(answer);
      };
      const timer = setTimeout(() => done(null), ANSWER_WAIT_MS);
      this.waiting.set(pressId, done);
      this.link.send({ type: 'owner.press', pressId, commandId, action, chatId: interaction.channelId, user });
    });
  }
}
