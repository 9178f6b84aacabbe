import { Client, Events, GatewayIntentBits, Partials, type Message } from 'discord.js';
import type { DiscordConfigMessage } from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';
import { BurstBuffer, type Burst } from './bursts.js';
import { OwnerButtons } from './buttons.js';
import { SlashCommands } from './slash-commands.js';
import { TurnClient, type DiscordTurn } from './turns.js';
import { VoiceManager } from './voice/voice-manager.js';

/** Messages fetched per channel when catching up after a restart. */
const CATCH_UP_LIMIT = 50;
/** What a turn holds at most (longer text is cut, not refused). */
const MAX_TURN_CHARS = 16_384;

const BASE_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.GuildVoiceStates, // who is in which voice channel (`/join`), the bot's own voice state
];

const FALLBACK = {
  en: 'Sorry, I cannot answer right now. Please try again in a few minutes.',
  ru: 'Извините, сейчас я не могу ответить. Попробуйте через несколько минут.',
};

export interface DiscordBotDeps {
  config: () => DiscordConfigMessage;
  link: WorkerLink<'discord-bot'>;
  logger: Logger;
  /** Ask for the privileged Message Content intent (without it only mentions, replies and DMs carry text). */
  messageContent: boolean;
}

/** In a thread, the channel it was started in (its auto-reply, model and persona apply there). */
export const parentOf = (message: Message): string | null =>
  message.channel.isThread() ? message.channel.parentId : null;

/** Why the bot answers a message, or null when it is not for the bot (never bots, never itself). */
export function reasonOf(message: Message, botId: string, channels: readonly string[]): Burst['reason'] | null {
  if (message.author.bot || message.author.id === botId || message.system) return null;
  if (message.guildId === null) return 'dm';
  if (message.mentions.users.has(botId)) return 'mention';
  if (message.mentions.repliedUser?.id === botId) return 'reply';
  const parent = parentOf(message);
  return channels.includes(message.channelId) || (parent !== null && channels.includes(parent)) ? 'channel' : null;
}

/** The message text without the bot's own mention. */
export function textOf(message: Message, botId: string): string {
  return message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), '').trim();
}

/** One Discord bot: the discord.js client, which messages it answers, and its turns. */
export function createDiscordBot(deps: DiscordBotDeps) {
  const { apiRoot } = deps.config();
  const intents = deps.messageContent ? [...BASE_INTENTS, GatewayIntentBits.MessageContent] : BASE_INTENTS;
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: apiRoot } });
  const turns = new TurnClient(deps.link, deps.logger);
  /** Per channel, the turn being answered (an owner prompt waits for it). */
  const answering = new Map<string, Promise<void>>();
  const owner = new OwnerButtons(client, deps.link, deps.logger, async (id) => answering.get(id));
  const commands = new SlashCommands(client, deps.link, deps.logger);
  const voice = new VoiceManager(client, deps.link, deps.config, deps.logger);
  const bursts = new BurstBuffer(
    () => deps.config().burstWindowMs,
    (burst) => void answer(burst),
  );

  function turnOf(burst: Burst, botId: string): DiscordTurn {
    const [first] = burst.messages as [Message, ...Message[]];
    const text = burst.messages.map((m) => textOf(m, botId)).filter(Boolean);
    const parent = parentOf(first);
    return {
      turnId: first.id,
      messageIds: burst.messages.map((m) => m.id),
      channelId: first.channelId,
      ...(parent === null ? {} : { parentChannelId: parent }),
      guildId: first.guildId,
      author: {
        id: first.author.id,
        username: first.author.username.slice(0, 64),
        ...(first.author.globalName ? { displayName: first.author.globalName.slice(0, 256) } : {}),
      },
      text: text.join('\n').slice(0, MAX_TURN_CHARS),
      reason: burst.reason,
    };
  }

  async function answer(burst: Burst): Promise<void> {
    const channel = burst.messages[0]!.channel;
    if (!channel.isSendable() || !client.user) return;
    const turn = turnOf(burst, client.user.id);
    if (!turn.text) return; // nothing to answer (an empty mention, or no message content)
    const running = turns.run(turn, channel, FALLBACK[deps.config().language]).catch((error: unknown) => {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'discord reply failed');
    });
    answering.set(turn.channelId, running);
    await running;
    if (answering.get(turn.channelId) === running) answering.delete(turn.channelId);
  }

  function consider(message: Message, missed = false): void {
    if (!client.user) return;
    const reason = reasonOf(message, client.user.id, deps.config().channels);
    if (reason) bursts.add(message, reason, missed);
  }

  /** Messages one channel got after `afterMessageId`, oldest first (those that came while no process listened). */
  async function missedIn(channelId: string, afterMessageId: string): Promise<Message[]> {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) return [];
    const fetched = await channel.messages.fetch({ after: afterMessageId, limit: CATCH_UP_LIMIT });
    return [...fetched.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Handles what came while no process held the gateway (answered turns are recognised by the orchestrator). */
  async function catchUp(points: DiscordConfigMessage['catchUp']): Promise<void> {
    for (const { channelId, afterMessageId } of points) {
      try {
        for (const message of await missedIn(channelId, afterMessageId)) consider(message, true);
      } catch (error) {
        deps.logger.debug(
          { channelId, err: error instanceof Error ? error.message : String(error) },
          'catch-up skipped',
        );
      }
    }
  }

  client.on(Events.MessageCreate, (message) => consider(message));
  const warn = (what: string) => (error: unknown) =>
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, what);
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand())
      return void commands.onCommand(interaction).catch(warn('slash command failed'));
    if (interaction.isAutocomplete())
      return void commands.onAutocomplete(interaction).catch(warn('autocomplete failed'));
    if (!interaction.isButton()) return;
    owner.onButton(interaction).catch(warn('button press failed'));
  });
  client.on(Events.GuildCreate, (guild) => {
    if (!client.isReady()) return;
    commands.report();
    void commands.register(guild);
  });
  client.on(Events.GuildDelete, () => {
    if (client.isReady()) commands.report();
  });

  return { client, turns, bursts, catchUp, owner, commands, voice };
}

export type DiscordBotInstance = ReturnType<typeof createDiscordBot>;
