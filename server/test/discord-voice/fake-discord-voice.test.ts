import fs from 'node:fs';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type VoiceConnection,
} from '@discordjs/voice';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import prism from 'prism-media';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rms } from '../../src/core/voice/audio.js';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';
import { FakeDiscordVoice, toDiscordPcm } from '../../src/testing/fake-discord-voice/index.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const LOUNGE = '555555555555555555';
const ALICE = { id: '444444444444444444', username: 'alice' };

let fake: FakeDiscord;
let voice: FakeDiscordVoice;
let client: Client<true>;
const connections: VoiceConnection[] = [];

/** 48 kHz stereo s16 of a 440 Hz tone (what a user or the bot "says" here). */
function tone(ms: number, sampleRateHz = 16_000) {
  const pcm = new Int16Array((sampleRateHz * ms) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRateHz));
  return { pcm, sampleRateHz, channels: 1 };
}

async function setUp(options: ConstructorParameters<typeof FakeDiscordVoice>[0] = {}) {
  voice = new FakeDiscordVoice({ heartbeatIntervalMs: 500, ...options });
  await voice.start();
  // In a bot process NODE_EXTRA_CA_CERTS does this; this test process trusts the certificate itself.
  tls.setDefaultCACertificates([
    ...tls.getCACertificates('default'),
    fs.readFileSync(voice.certificate.certPath, 'utf8'),
  ]);
  fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
  const { restRoot } = await fake.start();
  fake.attachVoice(voice);
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
  fake.addGuild({
    id: GUILD,
    name: 'Test Server',
    channels: [
      { id: GENERAL, name: 'general', type: 0 },
      { id: LOUNGE, name: 'Lounge', type: 2 },
    ],
  });
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates];
  const c = new Client({ intents, rest: { api: restRoot } });
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(TOKEN);
  await ready;
  client = c as Client<true>;
}

function join(): VoiceConnection {
  const guild = client.guilds.cache.get(GUILD)!;
  const connection = joinVoiceChannel({
    guildId: GUILD,
    channelId: LOUNGE,
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    daveEncryption: false,
  });
  connections.push(connection);
  return connection;
}

beforeEach(() => {
  connections.length = 0;
});

afterEach(async () => {
  for (const connection of connections)
    if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
  await client?.destroy();
  await fake?.close();
  await voice?.close();
});

async function collectFrom(connection: VoiceConnection, userId: string): Promise<Int16Array> {
  const opus = connection.receiver.subscribe(userId, {
    end: { behavior: EndBehaviorType.AfterSilence, duration: 300 },
  });
  const decoder = opus.pipe(new prism.opus.Decoder({ rate: 48_000, channels: 2, frameSize: 960 }));
  const parts: Buffer[] = [];
  for await (const part of decoder) parts.push(part as Buffer);
  const all = Buffer.concat(parts);
  return new Int16Array(all.buffer, all.byteOffset, all.byteLength / 2);
}

async function playFromBot(connection: VoiceConnection, pcm48kStereo: Int16Array): Promise<void> {
  const player = createAudioPlayer();
  connection.subscribe(player);
  const stream = Readable.from([Buffer.from(pcm48kStereo.buffer, pcm48kStereo.byteOffset, pcm48kStereo.byteLength)]);
  player.play(createAudioResource(stream, { inputType: StreamType.Raw }));
  await entersState(player, AudioPlayerStatus.Playing, 5000);
  await entersState(player, AudioPlayerStatus.Idle, 10_000);
  player.stop();
}

describe('FakeDiscordVoice with the real @discordjs/voice', () => {
  it('joins through the gateway adapter: op 4 → VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE → voice v8 → Ready', async () => {
    await setUp();
    const connection = join();
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    const [record] = voice.connections();
    expect(record).toMatchObject({ kind: 'identify', guildId: GUILD, userId: BOT_ID, maxDaveProtocolVersion: 0 });
    expect(record?.mode).toBe('aead_aes256_gcm_rtpsize');
    expect(voice.isReady(GUILD)).toBe(true);
    expect(client.guilds.cache.get(GUILD)?.voiceStates.cache.get(BOT_ID)?.channelId).toBe(LOUNGE);
  });

  it("carries a user's audio to the bot and the bot's audio to the fake (AES-256-GCM rtpsize, both ways)", async () => {
    await setUp({ modes: ['aead_aes256_gcm_rtpsize'] });
    const connection = join();
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    fake.userVoiceState({ guildId: GUILD, channelId: LOUNGE, user: ALICE });
    const heard = collectFrom(connection, ALICE.id);
    const frames = await voice.play(ALICE.id, tone(1000));
    expect(frames).toBe(55); // 50 audio frames + 5 silence frames
    const pcm = await heard;
    expect(pcm.length).toBeGreaterThanOrEqual(48_000 * 2);
    expect(rms(pcm.subarray(9600, 48_000 * 2 - 9600))).toBeGreaterThan(3000);

    await playFromBot(connection, toDiscordPcm(tone(600)));
    const received = voice.received(GUILD);
    expect(received.badPackets).toBe(0);
    // The player prepares five silence frames; the fifth is dispatched only by a next play (0.19.2 goes Idle first).
    await expect.poll(() => voice.received(GUILD).silenceFrames).toBeGreaterThanOrEqual(4);
    expect(received.pcm.length).toBeGreaterThanOrEqual(0.6 * 48_000 * 2);
    expect(rms(received.pcm.subarray(0, 0.6 * 48_000 * 2))).toBeGreaterThan(3000);
    expect(voice.connections()[0]?.speaking[0]).toBe(1);
  });

  it('resumes after the voice WebSocket drops (no close frame): the same media session, Ready again', async () => {
    await setUp();
    const connection = join();
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    voice.dropSocket(GUILD);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    await expect.poll(() => voice.connections().map((c) => c.kind)).toEqual(['identify', 'resume']);
    fake.userVoiceState({ guildId: GUILD, channelId: LOUNGE, user: ALICE });
    const heard = collectFrom(connection, ALICE.id);
    await voice.play(ALICE.id, tone(400));
    expect((await heard).length).toBeGreaterThan(0);
  });

  it('closes Identify with 4017 when DAVE is required and the client offers none', async () => {
    await setUp({ requireDave: true });
    const connection = join();
    // @discordjs/voice rejoins on any close but 4014; the code is only on its Networking's 'close' event.
    const closeCode = new Promise<number>((resolve) =>
      connection.on('stateChange', (_old, state) => {
        if ('networking' in state) state.networking.once('close', resolve);
      }),
    );
    expect(await closeCode).toBe(4017);
    connection.destroy();
    expect(voice.connections()[0]).toMatchObject({ closeCode: 4017, maxDaveProtocolVersion: 0 });
  });

  it('counts broken packets as decryption failures on the bot side and keeps the stream going', async () => {
    await setUp();
    const connection = join();
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    fake.userVoiceState({ guildId: GUILD, channelId: LOUNGE, user: ALICE });
    const errors: Error[] = [];
    connection.receiver
      .subscribe(ALICE.id, { end: { behavior: EndBehaviorType.Manual } })
      .on('error', (e: Error) => errors.push(e));
    voice.corruptNext(3);
    await voice.play(ALICE.id, tone(200));
    expect(errors.length).toBeGreaterThan(0);
  });
});
