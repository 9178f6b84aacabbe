import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, APIMessage, APIUser } from 'discord-api-types/v10';
import { dispatchMessage, dispatchTyping } from './dispatch.js';
import { Gateway } from './gateway.js';
import { Interactions, type InteractionRecord, type SlashCommandSpec } from './interactions.js';
import { CLOSE, has, INTENTS } from './intents.js';
import { createMessage } from './messages.js';
import { channelObject } from './payloads.js';
import { RateLimits } from './rate-limits.js';
import { API_PREFIX, RestApi } from './rest.js';
import { userObject, World, type BotRecord, type ChannelRecord } from './world.js';
import type {
  AuthorSpec,
  BotSpec,
  DmSpec,
  FakeDiscordOptions,
  GatewayConnection,
  GuildSpec,
  InjectedFailure,
  RecordedCall,
  UserSaysSpec,
  VoiceServerHook,
  VoiceStateSpec,
} from './types.js';
import { dispatchUserVoiceState } from './voice-states.js';

export type * from './types.js';
export type { InteractionRecord, SlashCommandSpec } from './interactions.js';
export { DiscordApiError } from './wire.js';

const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
/** Roomy enough for fast tests; tighten it with `options.rateLimit` to exercise the buckets. */
const DEFAULT_RATE_LIMIT = { limit: 50, windowMs: 1000 };

function describeCall(call: RecordedCall): string {
  const body = JSON.stringify(call.json ?? null);
  return `${call.method} ${call.path} ${call.status ?? 'open'} ${body.length > 120 ? `${body.slice(0, 120)}…` : body}`;
}

/**
 * A Discord server for tests, speaking the real wire protocols on 127.0.0.1: REST v10 under `/api/v10` (auth,
 * buckets with X-RateLimit-* headers, 429 with retry_after, Discord's error shapes) and the JSON gateway (Hello,
 * heartbeats, Identify → READY + GUILD_CREATE, Resume with replay, Invalid Session, 40xx closes). Point the real
 * discord.js at it with `new Client({ intents, rest: { api: restRoot } })`; the gateway URL comes from
 * `GET /gateway/bot` as in production. The users' side is `userSays` and `dm`.
 */
export class FakeDiscord {
  private readonly server = http.createServer((req, res) => void this.rest.handle(req, res));
  private readonly world = new World();
  private readonly gateway: Gateway;
  private readonly rest: RestApi;
  private readonly interactions: Interactions;
  private origin = '';
  private voice: VoiceServerHook | undefined;

  constructor(options: FakeDiscordOptions = {}) {
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const voice = () => this.voice;
    this.gateway = new Gateway(this.world, { heartbeatIntervalMs, url: () => this.gatewayUrl, voice });
    const { limit, windowMs } = options.rateLimit ?? DEFAULT_RATE_LIMIT;
    const rateLimits = new RateLimits(limit, windowMs);
    this.interactions = new Interactions(this.world, this.gateway);
    const { world, gateway, interactions } = this;
    this.rest = new RestApi({ world, gateway, interactions, rateLimits, gatewayUrl: () => this.gatewayUrl });
    this.server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  async start(): Promise<{ restRoot: string; gatewayUrl: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `127.0.0.1:${port}`;
    return { restRoot: this.restRoot, gatewayUrl: this.gatewayUrl };
  }

  /** `http://127.0.0.1:<port>/api`: discord.js's `rest.api` (it appends `/v10`); '' before start(). */
  get restRoot(): string {
    return this.origin === '' ? '' : `http://${this.origin}/api`;
  }

  /** `ws://127.0.0.1:<port>`, what `GET /gateway/bot` answers; '' before start(). */
  get gatewayUrl(): string {
    return this.origin === '' ? '' : `ws://${this.origin}`;
  }

  /** Ends everything: gateway sockets, hanging requests, the listener. */
  async close(): Promise<void> {
    this.gateway.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** A bot application; it is a member of every guild. */
  addBot(spec: BotSpec): APIUser {
    return this.world.addBot(spec).user;
  }

  /** Add guilds before the bot identifies: GUILD_CREATE is sent for the guilds known at READY. */
  addGuild(spec: GuildSpec): void {
    this.world.addGuild(spec);
  }

  /** The voice server (fake-discord-voice) that op 4 joins are sent to: VOICE_SERVER_UPDATE carries its endpoint. */
  attachVoice(voice: VoiceServerHook): void {
    this.voice = voice;
  }

  /** A user joins (channelId) or leaves (null) a voice channel: VOICE_STATE_UPDATE, and the voice server is told. */
  userVoiceState(spec: VoiceStateSpec): void {
    const user = this.world.rememberUser(spec.user);
    const channel = spec.channelId === null ? undefined : this.channel(spec.channelId);
    if (channel && (channel.type !== 2 || channel.guildId !== spec.guildId))
      throw new Error(`FakeDiscord: ${spec.channelId} is not a voice channel of guild ${spec.guildId}`);
    if (channel)
      this.world.voiceStates.set(user.id, { guildId: spec.guildId, channelId: channel.id, sessionId: user.id });
    else this.world.voiceStates.delete(user.id);
    dispatchUserVoiceState(this.world, this.gateway.sessionsOf(), user, spec.guildId);
    if (channel) this.voice?.joinUser(spec.guildId, channel.id, user.id);
    else this.voice?.leaveUser(user.id);
  }

  /** A user writes in a channel (guild text or DM channel id): stored and dispatched as MESSAGE_CREATE. */
  userSays(spec: UserSaysSpec): APIMessage {
    const channel = this.channel(spec.channelId);
    if (spec.guildId !== undefined && channel.guildId !== spec.guildId) {
      throw new Error(`FakeDiscord: channel ${spec.channelId} is not in guild ${spec.guildId}`);
    }
    const author = this.world.rememberUser(spec.author);
    const reference = spec.replyTo === undefined ? undefined : this.world.findMessage(channel, spec.replyTo);
    if (spec.replyTo !== undefined && !reference)
      throw new Error(`FakeDiscord: no message ${spec.replyTo} to reply to`);
    const content = this.withMention(spec);
    const message = createMessage(this.world, { channel, author, content, reference });
    dispatchMessage(this.world, this.gateway, 'MESSAGE_CREATE', channel, message);
    return message;
  }

  /**
   * A user starts a public thread in a guild text channel: THREAD_CREATE (`newly_created`) to every bot with the
   * guilds intent; write in it with `userSays({ channelId: thread id })`.
   */
  startThread(spec: { parentId: string; name: string; owner: AuthorSpec; id?: string }): string {
    const owner = this.world.rememberUser(spec.owner);
    const thread = this.world.addThread({ ...spec, ownerId: owner.id });
    const data = { ...channelObject(thread), newly_created: true };
    for (const session of this.gateway.sessionsOf())
      if (has(session.intents, INTENTS.guilds)) session.dispatch('THREAD_CREATE', data);
    return thread.id;
  }

  /** A user writes to the bot in a DM (the DM channel is created on first use, as when the user opens one). */
  dm(spec: DmSpec): APIMessage {
    const bot = this.botFor(spec.botToken);
    const user = this.world.rememberUser({ id: spec.userId, username: spec.username ?? `user${spec.userId}` });
    const channel = this.world.dmChannel(bot, user);
    return this.userSays({ channelId: channel.id, author: userObjectSpec(user), content: spec.content });
  }

  /** The DM channel id between a bot and a user (created when missing). */
  dmChannelId(userId: string, botToken?: string): string {
    const user = this.world.users.get(userId) ?? this.world.rememberUser({ id: userId, username: `user${userId}` });
    return this.world.dmChannel(this.botFor(botToken), user).id;
  }

  /** A user runs a slash command in a channel: INTERACTION_CREATE; answer through interaction.reply()/editReply(). */
  userRunsCommand(spec: Omit<SlashCommandSpec, 'user'> & { user: AuthorSpec; botToken?: string }): InteractionRecord {
    const user = this.world.rememberUser(spec.user);
    return this.interactions.run(this.botFor(spec.botToken), this.channel(spec.channelId), { ...spec, user });
  }

  /** A user types in an autocompleted option of a slash command: INTERACTION_CREATE type 4; see the record's `choices`. */
  userAutocompletes(
    spec: Omit<SlashCommandSpec, 'user'> & { user: AuthorSpec; focused: string; botToken?: string },
  ): InteractionRecord {
    const user = this.world.rememberUser(spec.user);
    return this.interactions.autocomplete(this.botFor(spec.botToken), this.channel(spec.channelId), { ...spec, user });
  }

  /**
   * A user presses a button on a bot's message: INTERACTION_CREATE of type 3 (MESSAGE_COMPONENT); the bot answers
   * with interaction.update() / deferUpdate() then editReply() / reply() / followUp(). The record says how.
   */
  userClicksButton(spec: {
    messageId: string;
    customId: string;
    user: AuthorSpec;
    botToken?: string;
  }): InteractionRecord {
    const user = this.world.rememberUser(spec.user);
    const channel = [...this.world.channels.values()].find((c) => this.world.findMessage(c, spec.messageId));
    if (!channel) throw new Error(`FakeDiscord: no message ${spec.messageId}`);
    const bot = this.world.dmOwner(channel) ?? this.botFor(spec.botToken);
    return this.interactions.click(bot, channel, { messageId: spec.messageId, customId: spec.customId, user });
  }

  /** A user starts typing: TYPING_START to bots with the typing intents. */
  userTyping(channelId: string, userId: string): void {
    dispatchTyping(this.world, this.gateway, this.channel(channelId), userId);
  }

  calls(filter?: string | ((call: RecordedCall) => boolean)): RecordedCall[] {
    const all = this.rest.recorded;
    if (filter === undefined) return [...all];
    return all.filter(typeof filter === 'string' ? (call) => call.route === filter : filter);
  }

  /** The first recorded call (past or future) to `route` ('POST /channels/:channelId/messages') matching `predicate`. */
  async waitForCall(
    route: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.rest.recorded.find(
        (call) => call.route === route && call.status !== undefined && predicate(call),
      );
      if (found) return found;
      if (Date.now() >= deadline) throw new Error(this.waitTimeoutMessage(route, timeoutMs));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The bots' messages in a channel, oldest first, with edits applied and deleted ones left out. */
  messagesIn(channelId: string): APIMessage[] {
    return this.channel(channelId).messages.filter((message) => this.world.isBot(message.author.id));
  }

  /** Every message in a channel (users' and bots'), oldest first. */
  historyOf(channelId: string): APIMessage[] {
    return [...this.channel(channelId).messages];
  }

  /** The next `n` requests to `route` ('POST /channels/:channelId/messages', '*' for any) fail this way. */
  failNext(route: string, n: number, failure: InjectedFailure): void {
    this.rest.failNext(route, n, failure);
  }

  /** Closes the bot's gateway sockets with a resumable code (4000 by default): discord.js resumes. */
  disconnect(botToken?: string, code: number = CLOSE.unknownError.code): void {
    this.gateway.disconnect(this.botFor(botToken), { code, reason: 'fake-discord: disconnect()' });
  }

  /** op 7 Reconnect to the bot's sockets. */
  requestReconnect(botToken?: string): void {
    this.gateway.requestReconnect(this.botFor(botToken));
  }

  /** op 9 Invalid Session; not resumable means the client must identify anew. */
  invalidateSession(resumable: boolean, botToken?: string): void {
    this.gateway.invalidateSession(this.botFor(botToken), resumable);
  }

  /** Later REST calls answer 401; live gateway sockets close with 4004 and Identify/Resume are refused. */
  revoke(token: string): void {
    const bot = this.botFor(token);
    bot.revoked = true;
    this.gateway.revoke(bot);
  }

  /** Gateway connections in the order they were opened. */
  gatewayConnections(): GatewayConnection[] {
    return [...this.gateway.connections];
  }

  /** Commands stored by PUT /applications/:id/commands (or .../guilds/:guildId/commands with `guildId`). */
  commands(botToken?: string, guildId?: string): APIApplicationCommand[] {
    return this.botFor(botToken).commands.get(guildId ?? 'global') ?? [];
  }

  private botFor(token: string | undefined): BotRecord {
    if (token !== undefined) {
      const bot = this.world.bots.get(token);
      if (!bot) throw new Error('FakeDiscord: no bot with this token (addBot first)');
      return bot;
    }
    const [only, ...others] = this.world.bots.values();
    if (!only || others.length > 0) throw new Error('FakeDiscord: pass a bot token (there is not exactly one bot)');
    return only;
  }

  private channel(channelId: string): ChannelRecord {
    const channel = this.world.channels.get(channelId);
    if (!channel) throw new Error(`FakeDiscord: no channel ${channelId} (addGuild first)`);
    return channel;
  }

  private withMention(spec: UserSaysSpec): string {
    if (spec.mentionsBot === undefined || spec.mentionsBot === false) return spec.content;
    const botId = typeof spec.mentionsBot === 'string' ? spec.mentionsBot : this.botFor(undefined).user.id;
    return new RegExp(`<@!?${botId}>`).test(spec.content) ? spec.content : `<@${botId}> ${spec.content}`;
  }

  private waitTimeoutMessage(route: string, timeoutMs: number): string {
    const recent = this.rest.recorded.slice(-15).map(describeCall);
    return `FakeDiscord: no ${route} call matched within ${timeoutMs} ms; recent calls:\n  ${recent.join('\n  ') || '(none)'}`;
  }
}

function userObjectSpec(user: APIUser) {
  return { id: user.id, username: user.username, ...(user.global_name ? { globalName: user.global_name } : {}) };
}

export { API_PREFIX, userObject };
