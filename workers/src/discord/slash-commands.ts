import {
  ApplicationCommandOptionType,
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Guild,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import {
  DISCORD_EPHEMERAL_COMMANDS,
  type DiscordChoice,
  type DiscordChoicesMessage,
  type DiscordCommandReplyMessage,
  type DiscordGuildInfo,
  type DiscordHistoryEntry,
} from '@ai-secretary/protocol';
import type { WorkerLink } from '../kit/run-worker.js';
import type { Logger } from '../kit/logger.js';

/** Longest an interaction waits for the orchestrator (a deferred reply may be edited for 15 minutes). */
const ANSWER_WAIT_MS = 180_000;
/** Discord drops an autocomplete answer after 3 s: suggest nothing rather than too late. */
const CHOICES_WAIT_MS = 2500;
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();

type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

const command = (name: string, en: string, ru: string, extra: Partial<CommandJson> = {}): CommandJson => ({
  name,
  description: en,
  description_localizations: { ru },
  ...extra,
});

/** The slash commands, registered per server (bulk overwrite), with Russian descriptions. */
export const SLASH_COMMANDS: CommandJson[] = [
  command('ask', 'Ask the secretary a question', 'Задать вопрос секретарю', {
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'question',
        name_localizations: { ru: 'вопрос' },
        description: 'What you want to know',
        description_localizations: { ru: 'Что вы хотите узнать' },
        required: true,
        max_length: 4000,
      },
    ],
  }),
  command('model', 'Show or choose the model of this channel', 'Показать или выбрать модель канала', {
    default_member_permissions: MANAGE_GUILD,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'route',
        name_localizations: { ru: 'модель' },
        description: 'The model or persona to use here',
        description_localizations: { ru: 'Модель или персона для этого канала' },
        max_length: 64,
        autocomplete: true,
      },
    ],
  }),
  command('persona', 'Show, set or reset the persona of this channel', 'Показать, задать или сбросить персону канала', {
    default_member_permissions: MANAGE_GUILD,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'text',
        name_localizations: { ru: 'текст' },
        description: 'How the bot should behave here, or "reset"',
        description_localizations: { ru: 'Как боту вести себя здесь, или «reset»' },
        max_length: 2000,
      },
    ],
  }),
  command('reset', 'Forget the conversation in this channel', 'Забыть разговор в этом канале'),
  command('summarize', 'Summarize the recent messages of this channel', 'Пересказать последние сообщения канала', {
    options: [
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'messages',
        name_localizations: { ru: 'сообщений' },
        description: 'How many messages (1–100, default 50)',
        description_localizations: { ru: 'Сколько сообщений (1–100, по умолчанию 50)' },
        min_value: 1,
        max_value: 100,
      },
    ],
  }),
  command('usage', "Today's usage of this server", 'Расход этого сервера за сегодня'),
  command('join', 'Join your voice channel', 'Войти в ваш голосовой канал'),
  command('leave', 'Leave the voice channel', 'Выйти из голосового канала'),
  command('help', 'What the secretary can do', 'Что умеет секретарь'),
];

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A server as the orchestrator stores it: id, name and text channels. */
export function guildInfo(guild: Guild): DiscordGuildInfo {
  const channels = [...guild.channels.cache.values()]
    .filter((channel) => channel.type === ChannelType.GuildText)
    .slice(0, 500)
    .map((channel) => ({ id: channel.id, name: channel.name.slice(0, 100) }));
  return { id: guild.id, name: guild.name.slice(0, 100), channels };
}

/**
 * Slash commands on the bot's side: registers them per server, defers each interaction (ephemerally for the
 * configuration commands), passes it to the orchestrator (`command.start`, with the channel's recent messages
 * for `/summarize`) and shows its one answer (`command.reply`) by editing the deferred reply.
 */
export class SlashCommands {
  private readonly waiting = new Map<string, (answer: DiscordCommandReplyMessage | null) => void>();
  private readonly suggesting = new Map<string, (choices: DiscordChoice[]) => void>();

  constructor(
    private readonly client: Client,
    private readonly link: WorkerLink<'discord-bot'>,
    private readonly logger: Logger,
  ) {}

  get active(): number {
    return this.waiting.size;
  }

  /** Registers the commands in every server and reports the servers (after READY). */
  async start(): Promise<void> {
    this.report();
    for (const guild of this.client.guilds.cache.values()) await this.register(guild);
  }

  async register(guild: Guild): Promise<void> {
    try {
      await this.client.application?.commands.set(SLASH_COMMANDS, guild.id);
    } catch (error) {
      this.logger.warn({ guildId: guild.id, err: errorText(error) }, 'slash commands not registered');
    }
  }

  /** Tells the orchestrator every server the bot is in now. */
  report(): void {
    const guilds = [...this.client.guilds.cache.values()].slice(0, 1000).map(guildInfo);
    this.link.send({ type: 'discord.guilds', guilds });
  }

  onReply(answer: DiscordCommandReplyMessage): void {
    this.waiting.get(answer.interactionId)?.(answer);
  }

  onChoices(message: DiscordChoicesMessage): void {
    this.suggesting.get(message.interactionId)?.(message.choices);
  }

  /** A user types an autocompleted option: the orchestrator's suggestions, or none if it does not answer in time. */
  async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const choices = await new Promise<DiscordChoice[]>((resolve) => {
      const done = (list: DiscordChoice[]) => {
        clearTimeout(timer);
        this.suggesting.delete(interaction.id);
        resolve(list);
      };
      const timer = setTimeout(() => done([]), CHOICES_WAIT_MS);
      this.suggesting.set(interaction.id, done);
      this.link.send({
        type: 'command.autocomplete',
        interactionId: interaction.id,
        name: interaction.commandName.slice(0, 32),
        option: focused.name.slice(0, 32),
        value: String(focused.value).slice(0, 100),
        channelId: interaction.channelId,
        guildId: interaction.guildId,
      });
    });
    await interaction.respond(choices);
  }

  async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const ephemeral = DISCORD_EPHEMERAL_COMMANDS.includes(interaction.commandName);
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const history = interaction.commandName === 'summarize' ? await this.history(interaction) : undefined;
    const answer = await this.ask(interaction, history);
    if (answer) await interaction.editReply({ content: answer.text, allowedMentions: { parse: [] } });
  }

  private async history(interaction: ChatInputCommandInteraction): Promise<DiscordHistoryEntry[]> {
    const limit = interaction.options.getInteger('messages') ?? 50;
    if (limit < 1 || limit > 100 || !interaction.channel) return [];
    const fetched = await interaction.channel.messages.fetch({ limit });
    return [...fetched.values()]
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .filter((m) => !m.system)
      .map((m) => ({
        author: (m.member?.displayName ?? m.author.globalName ?? m.author.username).slice(0, 256),
        bot: m.author.bot,
        text: m.content.slice(0, 4000),
      }));
  }

  private options(interaction: ChatInputCommandInteraction): Record<string, string | number | boolean> {
    const entries = interaction.options.data.flatMap((o) =>
      typeof o.value === 'string' || typeof o.value === 'number' || typeof o.value === 'boolean'
        ? [[o.name, o.value]]
        : [],
    );
    return Object.fromEntries(entries) as Record<string, string | number | boolean>;
  }

  /** `/join`: the caller's voice channel, from the voice states the gateway sent (GUILD_VOICE_STATES). */
  private voiceChannelOf(interaction: ChatInputCommandInteraction): { voiceChannelId?: string } {
    if (interaction.commandName !== 'join') return {};
    const channelId = interaction.guild?.voiceStates.cache.get(interaction.user.id)?.channelId;
    return channelId ? { voiceChannelId: channelId } : {};
  }

  private ask(interaction: ChatInputCommandInteraction, history?: DiscordHistoryEntry[]) {
    const { user } = interaction;
    return new Promise<DiscordCommandReplyMessage | null>((resolve) => {
      const done = (answer: DiscordCommandReplyMessage | null) => {
        clearTimeout(timer);
        this.waiting.delete(interaction.id);
        resolve(answer);
      };
      const timer = setTimeout(() => done(null), ANSWER_WAIT_MS);
      this.waiting.set(interaction.id, done);
      this.link.send({
        type: 'command.start',
        interactionId: interaction.id,
        name: interaction.commandName.slice(0, 32),
        options: this.options(interaction),
        channelId: interaction.channelId,
        ...(interaction.channel?.isThread() && interaction.channel.parentId
          ? { parentChannelId: interaction.channel.parentId }
          : {}),
        guildId: interaction.guildId,
        user: {
          id: user.id,
          username: user.username.slice(0, 64),
          ...(user.globalName ? { displayName: user.globalName.slice(0, 256) } : {}),
        },
        permissions: interaction.memberPermissions?.bitfield.toString() ?? null,
        ...(history ? { history } : {}),
        ...this.voiceChannelOf(interaction),
      });
    });
  }
}
