import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TelegramBotView } from '@ai-secretary/protocol';
import { entersState } from '../../src/core/state/enters-state.js';
import { decodeToPcm } from '../../src/speech/ffmpeg.js';
import { feed } from '../../src/speech/files.js';
import { createFakeLlm, type FakeLlm } from '../../src/testing/fake-llm.js';
import { attachedFile, type FakeTelegram } from '../../src/testing/fake-telegram/index.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, speechFixtures, wordErrors } from '../helpers/speech.js';
import { botToken, sentTexts, startFakeTelegram, telegramApi } from './helpers.js';

// The real speech worker (pocketsphinx, espeak-ng) and a real bot process: generous limits, no timing asserted.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const FIXTURE = 'en-slt16k-02.wav';
const REPLY = ['We are open ', 'on Saturday ', 'from nine to five.'];

/** A WAV fixture as Telegram delivers voice notes: OGG/Opus, 48 kHz mono. */
function toVoiceNote(wav: string): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    wav,
    '-ac',
    '1',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    '24k',
    '-f',
    'ogg',
    'pipe:1',
  ]);
}

describe('Telegram voice notes through the real speech worker', () => {
  let fake: FakeTelegram;
  let llm: FakeLlm;
  let rt: TestRuntime;
  let api: ReturnType<typeof telegramApi>;
  let token: string;
  let bot: TelegramBotView;
  const fixture = () => speechFixtures().find((item) => item.file === FIXTURE)!;

  beforeAll(async () => {
    speechFixtures();
    fake = await startFakeTelegram();
    llm = await createFakeLlm({ tokens: REPLY });
    rt = await createTestRuntime({
      env: {
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MAX_VOICE_S: '30',
        SPEECH_LOCAL_WORKER: 'true',
        SPEECH_WORKER_READY_TIMEOUT_MS: '120000',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'fake-model',
      },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    await entersState(rt.speech.localWorker!, 'ready', 150_000);
    api = telegramApi(rt, await rt.adminToken());
    token = botToken();
    fake.addBot({ token, username: 'voice_bot' });
    const created = await api.call('POST', '/bots', {
      name: 'Voice',
      token,
      voiceReplies: 'voice',
      transcript: 'collapsed',
    });
    expect(created.statusCode).toBe(201);
    bot = created.json<TelegramBotView>();
    await api.until(bot.id, 'running', 150_000);
  });
  afterAll(async () => {
    await rt?.dispose();
    await llm?.close();
    await fake?.close();
  });

  it('answers a voice note from its transcript, shows the transcript collapsed, and replies by voice', async () => {
    const chat = 6001;
    fake.userSendsVoice(token, { chatId: chat, ogg: toVoiceNote(fixturePath(FIXTURE)), duration: 3 });
    await expect.poll(() => sentTexts(fake, chat).length, { timeout: 150_000 }).toBe(1);

    const asked = llm.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
    const heard = asked.at(-1)!.content;
    const [errors, words] = wordErrors(fixture().text, heard);
    expect(errors / words).toBeLessThanOrEqual(0.34);

    const final = fake.calls('sendMessage').find((c) => c.params.chat_id === chat)!;
    expect(final.params.text).toBe(`🎤 ${heard}\n\nWe are open on Saturday from nine to five.`);
    expect(final.params.entities).toEqual([{ type: 'expandable_blockquote', offset: 0, length: `🎤 ${heard}`.length }]);

    const voice = await fake.waitForCall('sendVoice', (c) => c.params.chat_id === chat, 150_000);
    const ogg = attachedFile(voice, 'voice')!;
    expect(ogg.subarray(0, 4).toString()).toBe('OggS');
    // it decodes, and the VAD finds speech in it (pocketsphinx does not follow espeak-ng's voice well)
    const pcm = await decodeToPcm(ogg, 16_000, { maxSeconds: 60 });
    const spans: Array<{ startMs: number; endMs: number }> = [];
    for await (const span of rt.speech.service.vad(feed(pcm))) spans.push(span);
    const speechMs = spans.reduce((ms, s) => ms + s.endMs - s.startMs, 0);
    expect(speechMs).toBeGreaterThan(1000);

    const turns = (await api.call('GET', `/bots/${bot.id}/chats/${chat}`)).json<{
      items: Array<{ kind: string; audioUrl: string | null; replyVoice: boolean }>;
    }>();
    expect(turns.items).toEqual([
      expect.objectContaining({ kind: 'voice', replyVoice: true, audioUrl: expect.any(String) }),
    ]);
    const audio = await rt.app.inject({
      method: 'GET',
      url: turns.items[0]!.audioUrl!,
      headers: { authorization: `Bearer ${await rt.adminToken()}` },
    });
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/ogg');
  });

  it('answers too long and unreadable voice notes politely, never with silence', async () => {
    const long = 6002;
    fake.userSendsVoice(token, { chatId: long, ogg: Buffer.from('OggS'), duration: 31 });
    await expect.poll(() => fake.messagesTo(long), { timeout: 60_000 }).toEqual([expect.stringContaining('too long')]);

    const garbage = 6003;
    fake.userSendsVoice(token, { chatId: garbage, ogg: fs.readFileSync(import.meta.filename), duration: 2 });
    await expect
      .poll(() => fake.messagesTo(garbage), { timeout: 60_000 })
      .toEqual([expect.stringContaining('could not make out')]);
  });
});
