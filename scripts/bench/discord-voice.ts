/**
 * Discord voice (issue 15, "Measure"): the Discord edge's own share of voice-to-voice, per 20 ms frame:
 *   - receive: Opus decode (48 kHz stereo) + mix and 3:1 step to the engine's 16 kHz mono chunk;
 *   - send: the engine's 16 kHz (espeak-ng) / 24 kHz speech → 48 kHz stereo + Opus encode;
 *   - transport: the rtpsize AEAD seal + open of one packet, AES-256-GCM and XChaCha20-Poly1305 (the fake's code,
 *     the same primitives @discordjs/voice uses for AES-GCM);
 *   - wire: a user's frame sent by the fake voice server → the Opus packet out of the real @discordjs/voice
 *     receiver in this process (UDP on 127.0.0.1, decryption, jitter-free), p50/p95.
 * Voice-to-voice through Discord end to end needs the engine wired to the bot process (not yet: see
 * docs/discord-voice.md); the edge figures here add to the phone path's figure from `npm run bench -- voice-real`.
 * Run: npm run bench -- discord-voice   (BENCH_FRAMES=2000)
 */
import fs from 'node:fs';
import tls from 'node:tls';
import { EndBehaviorType, entersState, joinVoiceChannel, VoiceConnectionStatus } from '@discordjs/voice';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { FakeDiscord } from '../../server/src/testing/fake-discord/index.js';
import { FakeDiscordVoice } from '../../server/src/testing/fake-discord-voice/index.js';
import { open, paddedNonce, seal, VOICE_MODES } from '../../server/src/testing/fake-discord-voice/crypto.js';
import { SpeakerDecoder, SpeechEncoder, toDiscordStereo } from '../../workers/src/discord/voice/audio-edge.js';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 2000);

function tone(ms: number, sampleRateHz: number): Int16Array {
  const pcm = new Int16Array((sampleRateHz * ms) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / sampleRateHz));
  return pcm;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(3)} ms  p95 ${at(0.95).toFixed(3)} ms  max ${sorted.at(-1)!.toFixed(3)} ms  (n=${sorted.length})`;
}

function timeEach(n: number, work: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    work(i);
    out.push(performance.now() - started);
  }
  return out;
}

function edge(): void {
  const encoder = new SpeechEncoder();
  const packets = encoder.encode(
    toDiscordStereo({ pcm: tone(FRAMES * 20, 16_000), sampleRateHz: 16_000, channels: 1 }),
  );
  const decoder = new SpeakerDecoder();
  console.log(
    `receive  Opus decode + 48k stereo → 16k mono   ${stats(timeEach(packets.length, (i) => decoder.decode(packets[i]!)))}`,
  );
  for (const rateHz of [16_000, 24_000]) {
    const frame = tone(20, rateHz);
    const send = timeEach(FRAMES, () =>
      encoder.encode(toDiscordStereo({ pcm: frame, sampleRateHz: rateHz, channels: 1 })),
    );
    console.log(`send     ${rateHz / 1000}k mono → 48k stereo + Opus encode  ${stats(send)}`);
  }
  const key = Buffer.alloc(32, 3);
  const aad = Buffer.alloc(16, 1);
  for (const mode of VOICE_MODES) {
    const nonce = paddedNonce(mode, Buffer.from([0, 0, 0, 1]));
    const packet = packets[10]!;
    const crypt = timeEach(FRAMES, () => open(mode, key, nonce, aad, seal(mode, key, nonce, aad, packet)));
    console.log(`transport ${mode} seal+open  ${stats(crypt)}`);
  }
}

async function wire(): Promise<void> {
  const voice = new FakeDiscordVoice();
  await voice.start();
  tls.setDefaultCACertificates([
    ...tls.getCACertificates('default'),
    fs.readFileSync(voice.certificate.certPath, 'utf8'),
  ]);
  const fake = new FakeDiscord();
  const { restRoot } = await fake.start();
  fake.attachVoice(voice);
  fake.addBot({ token: 'bench.voice.token', id: '111111111111111111', username: 'bench' });
  fake.addGuild({
    id: '2222222222222222',
    name: 'Bench',
    channels: [{ id: '3333333333333333', name: 'Voice', type: 2 }],
  });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: restRoot },
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login('bench.voice.token');
  await ready;
  const guild = client.guilds.cache.get('2222222222222222')!;
  const connection = joinVoiceChannel({
    guildId: guild.id,
    channelId: '3333333333333333',
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    daveEncryption: false,
  });
  await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
  fake.userVoiceState({
    guildId: guild.id,
    channelId: '3333333333333333',
    user: { id: '4444444444444444', username: 'user' },
  });
  const frames = Math.min(FRAMES, 500);
  const arrivals: number[] = [];
  const stream = connection.receiver.subscribe('4444444444444444', { end: { behavior: EndBehaviorType.Manual } });
  stream.on('data', () => arrivals.push(performance.now()));
  const sentAt: number[] = [];
  const audio = { pcm: tone(frames * 20, 16_000), sampleRateHz: 16_000, channels: 1 };
  await voice.play('4444444444444444', audio, { onSent: (i, at) => (sentAt[i] = at) });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const delays = arrivals.slice(0, frames).map((at, i) => at - sentAt[i]!);
  console.log(`wire     fake voice server → @discordjs/voice receiver (UDP, decrypt)  ${stats(delays)}`);
  connection.destroy();
  await client.destroy();
  await fake.close();
  await voice.close();
}

edge();
await wire();
