import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits, Partials, type Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const ALICE = { id: '444444444444444444', username: 'alice' };
const SEND = 'POST /channels/:channelId/messages';

const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
];

let fake: FakeDiscord;
let restRoot: string;
const clients: Client[] = [];

beforeEach(async () => {
  fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
  ({ restRoot } = await fake.start());
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
  fake.addGuild({ id: GUILD, name: 'Test Server', channels: [{ id: GENERAL, name: 'general', type: 0 }] });
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await fake.close();
});

/** DMs need Partials.Channel: Discord sends no CHANNEL_CREATE for a DM, so discord.js has not cached it. */
function newClient(intents = INTENTS): Client {
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: restRoot } });
  clients.push(client);
  return client;
}

async function loggedIn(client = newClient()): Promise<Client<true>> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TOKEN);
  await ready;
  return client as Client<true>;
}

function nextMessage(client: Client, predicate: (message: Message) => boolean = (m) => !m.author.bot) {
  return new Promise<Message>((resolve) => {
    const listener = (message: Message) => {
      if (!predicate(message)) return;
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
}

describe('FakeDiscord with the real discord.js', () => {
  it('logs in: READY with the bot user, then the guild and its channels cached from GUILD_CREATE', async () => {
    const client = await loggedIn();
    expect(client.user.id).toBe(BOT_ID);
    expect(client.user.username).toBe('secretary');
    expect(client.application.id).toBe(BOT_ID);
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.name).toBe('Test Server');
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(GENERAL)?.name).toBe('general');
    expect(fake.calls('GET /gateway/bot')).toHaveLength(1);
    expect(fake.gatewayConnections()[0]).toMatchObject({ url: '/?v=10&encoding=json', kind: 'identify' });
  });

  it('answers heartbeats with ACKs (discord.js measures a ping)', async () => {
    const client = await loggedIn();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(fake.gatewayConnections()[0]!.heartbeats).toBeGreaterThanOrEqual(1);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('delivers a guild message that mentions the bot; message.reply() reaches the fake as a reply', async () => {
    const client = await loggedIn();
    const received = nextMessage(client);
    const sent = fake.userSays({ channelId: GENERAL, author: ALICE, content: 'hello there', mentionsBot: true });
    const message = await received;
    expect(message.content).toBe(`<@${BOT_ID}> hello there`);
    expect(message.author.username).toBe('alice');
    expect(message.guildId).toBe(GUILD);
    expect(message.channel.id).toBe(GENERAL);
    expect(message.mentions.users.has(BOT_ID)).toBe(true);
    expect(message.mentions.has(client.user)).toBe(true);

    const reply = await message.reply('hi alice');
    const call = await fake.waitForCall(SEND, (c) => c.body.content === 'hi alice');
    expect(call.body.message_reference).toMatchObject({ message_id: sent.id });
    expect(reply.reference?.messageId).toBe(sent.id);
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['hi alice']);
  });

  it('a user reply to the bot mentions the bot (replied user), as Discord does', async () => {
    const client = await loggedIn();
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    const own = await channel.send('first answer');
    const received = nextMessage(client);
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'and then?', replyTo: own.id });
    const message = await received;
    expect(message.reference?.messageId).toBe(own.id);
    expect(message.mentions.repliedUser?.id).toBe(BOT_ID);
  });

  it('delivers a DM and the bot answers it in the DM channel', async () => {
    const client = await loggedIn();
    const received = nextMessage(client);
    const sent = fake.dm({ userId: ALICE.id, username: ALICE.username, content: 'private question' });
    const message = await received;
    expect(message.content).toBe('private question');
    expect(message.guildId).toBeNull();
    if (!message.channel.isDMBased() || !message.channel.isSendable()) throw new Error('not a sendable DM');
    await message.channel.send('private answer');
    expect(fake.messagesIn(sent.channel_id).map((m) => m.content)).toEqual(['private answer']);
  });

  it('opens a DM through POST /users/@me/channels (user.send)', async () => {
    const client = await loggedIn();
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'hi' });
    const user = await client.users.fetch(ALICE.id);
    await user.send('a direct note');
    const call = await fake.waitForCall('POST /users/@me/channels');
    expect(call.body).toMatchObject({ recipient_id: ALICE.id });
    expect(fake.messagesIn(fake.dmChannelId(ALICE.id)).map((m) => m.content)).toEqual(['a direct note']);
  });

  it('sendTyping() posts to the typing route (204)', async () => {
    const client = await loggedIn();
    const channel = await client.channels.fetch(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    await channel.sendTyping();
    const call = await fake.waitForCall('POST /channels/:channelId/typing');
    expect(call.status).toBe(204);
  });

  it('edits and deletes the bot message; the fake keeps the edited text', async () => {
    const client = await loggedIn();
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    const message = await channel.send('draft');
    const edited = await message.edit('final text');
    expect(edited.editedTimestamp).not.toBeNull();
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['final text']);
    const other = await channel.send('to be removed');
    await other.delete();
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['final text']);
  });

  it('reads channel history newest first (for summaries)', async () => {
    const client = await loggedIn();
    for (const content of ['one', 'two', 'three']) fake.userSays({ channelId: GENERAL, author: ALICE, content });
    const channel = await client.channels.fetch(GENERAL);
    if (!channel?.isTextBased()) throw new Error('general is not text based');
    const history = await channel.messages.fetch({ limit: 2 });
    expect([...history.values()].map((m) => m.content)).toEqual(['three', 'two']);
  });

  it('refuses content over 2000 characters with 50035 Invalid Form Body', async () => {
    const client = await loggedIn();
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({
      code: 50035,
      status: 400,
      rawError: { errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
  });

  it('a 429 on POST messages is ridden out by @discordjs/rest', async () => {
    const client = await loggedIn();
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    fake.failNext(SEND, 1, { status: 429, retryAfter: 0.3 });
    const limited: number[] = [];
    client.rest.on('rateLimited', (info) => limited.push(info.retryAfter));
    const started = Date.now();
    await channel.send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.calls(SEND).map((c) => c.status)).toEqual([429, 200]);
    expect(limited).toHaveLength(1);
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['after the limit']);
  });

  it('a tight bucket is obeyed from the headers: the third send waits for the window, no 429 needed', async () => {
    await fake.close();
    fake = new FakeDiscord({ rateLimit: { limit: 2, windowMs: 600 } });
    ({ restRoot } = await fake.start());
    fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
    fake.addGuild({ id: GUILD, name: 'Test Server', channels: [{ id: GENERAL, name: 'general', type: 0 }] });
    const client = await loggedIn();
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    const started = Date.now();
    await Promise.all(['a', 'b', 'c'].map((content) => channel.send(content)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(fake.calls(SEND).map((c) => c.status)).toEqual([200, 200, 200]);
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['a', 'b', 'c']);
  });

  it('a hanging request times out on the client side (rest.timeout)', async () => {
    const client = new Client({ intents: INTENTS, rest: { api: restRoot, timeout: 200, retries: 0 } });
    clients.push(client);
    await loggedIn(client);
    const channel = client.channels.cache.get(GENERAL);
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    fake.failNext(SEND, 1, { hang: true });
    await expect(channel.send('lost')).rejects.toThrow(/abort/i);
    expect(fake.calls(SEND)[0]!.status).toBeUndefined();
  });

  it('sends X-RateLimit headers on every answer', async () => {
    const response = await fetch(`${restRoot}/v10/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    expect(response.status).toBe(200);
    for (const header of ['limit', 'remaining', 'reset', 'reset-after', 'bucket']) {
      expect(response.headers.get(`x-ratelimit-${header}`)).not.toBeNull();
    }
    const refused = await fetch(`${restRoot}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('stores application commands from a bulk overwrite', async () => {
    const client = await loggedIn();
    await client.application.commands.set([{ name: 'ask', description: 'Ask the secretary' }], GUILD);
    expect(fake.commands(TOKEN, GUILD).map((c) => c.name)).toEqual(['ask']);
  });

  it('a slash command arrives as INTERACTION_CREATE; deferReply + editReply fill the original response', async () => {
    const client = await loggedIn();
    await client.application.commands.set(
      [{ name: 'ask', description: 'Ask', options: [{ name: 'q', description: 'q', type: 3 }] }],
      GUILD,
    );
    const handled = new Promise<string>((resolve, reject) => {
      client.once(Events.InteractionCreate, (interaction) => {
        if (!interaction.isChatInputCommand()) return reject(new Error('not a chat input command'));
        const question = interaction.options.getString('q') ?? '';
        void interaction
          .deferReply()
          .then(() => interaction.editReply(`answer to ${question}`))
          .then(() => resolve(interaction.commandName), reject);
      });
    });
    const record = fake.userRunsCommand({ channelId: GENERAL, user: ALICE, name: 'ask', options: { q: 'life' } });
    expect(await handled).toBe('ask');
    expect(record.original?.content).toBe('answer to life');
    expect(fake.messagesIn(GENERAL).map((m) => m.content)).toEqual(['answer to life']);
  });

  it('a bad token makes login reject with TokenInvalid', async () => {
    const client = newClient();
    await expect(client.login('not-a-known-token')).rejects.toMatchObject({ code: DiscordjsErrorCodes.TokenInvalid });
  });

  it('a revoked token closes the live gateway with 4004 Authentication failed', async () => {
    const client = await loggedIn();
    const disconnected = new Promise<number>((resolve) => client.once(Events.ShardDisconnect, (e) => resolve(e.code)));
    const errored = new Promise<Error>((resolve) => client.once(Events.ShardError, (error) => resolve(error)));
    fake.revoke(TOKEN);
    expect(await disconnected).toBe(4004);
    expect((await errored).message).toBe('Authentication failed');
    const refused = await fetch(`${restRoot}/v10/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    expect(refused.status).toBe(401);
  });

  it('asking for the message-content intent when it is not allowed closes with 4014', async () => {
    fake.addBot({ token: 'second-token', id: '555555555555555555', username: 'limited', messageContentAllowed: false });
    const client = newClient();
    await expect(client.login('second-token')).rejects.toThrow('Used disallowed intents');
    expect(fake.gatewayConnections().at(-1)?.closeCode).toBe(4014);
  });

  it('without message content, guild messages that do not mention the bot arrive empty', async () => {
    const client = await loggedIn(newClient([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]));
    const received = nextMessage(client);
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'not for you' });
    expect((await received).content).toBe('');
    const mentioned = nextMessage(client);
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'for you', mentionsBot: true });
    expect((await mentioned).content).toBe(`<@${BOT_ID}> for you`);
  });

  it('after disconnect() the client resumes and still receives messages, including ones sent meanwhile', async () => {
    const client = await loggedIn();
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    const dropped = new Promise<void>((resolve) => client.once(Events.ShardReconnecting, () => resolve()));
    fake.disconnect();
    await dropped; // the socket is gone: this message waits in the session's backlog for the Resume
    const missed = nextMessage(client, (m) => m.content === 'while you were away');
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'while you were away' });
    await resumed;
    await missed;
    const after = nextMessage(client);
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'welcome back', mentionsBot: true });
    expect((await after).content).toContain('welcome back');
    expect(fake.gatewayConnections().map((c) => c.kind)).toEqual(['identify', 'resume']);
    expect(fake.gatewayConnections()[1]!.url).toBe('/resume?v=10&encoding=json');
  });

  it('a non-resumable Invalid Session makes the client identify anew', async () => {
    const client = await loggedIn();
    const ready = new Promise<void>((resolve) => client.once(Events.ShardReady, () => resolve()));
    fake.invalidateSession(false);
    await ready;
    expect(fake.gatewayConnections().map((c) => c.kind)).toEqual(['identify', 'identify']);
    const received = nextMessage(client);
    fake.userSays({ channelId: GENERAL, author: ALICE, content: 'still there?' });
    expect((await received).content).toBe('still there?');
  });
});
