import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WORKER_ENTRY } from '../../src/speech/speech-runtime.js';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { fixturePath, speechFixtures } from '../helpers/speech.js';
import { startSpeechRuntime } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');

// Real engines in child processes on a shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Orchestrator B has no local worker; a worker started by hand (`npm run worker -- --url … --token …`)
 * joins it and runs the `remote` engines against orchestrator A's OpenAI-compatible /v1/audio.
 */
describe('a remote worker with the remote (OpenAI-compatible) engines', () => {
  let upstream: TestRuntime;
  let orchestrator: TestRuntime;
  let worker: ChildProcess;
  let baseUrl: string;

  beforeAll(async () => {
    speechFixtures();
    const a = await startSpeechRuntime();
    upstream = a.runtime;
    const owner = await upstream.createUser('user');
    const upstreamKey = (await upstream.services.apiKeys.create({ name: 'remote', ownerId: owner.id, createdBy: null }))
      .key;
    orchestrator = await createTestRuntime();
    baseUrl = await orchestrator.app.listen({ port: 0, host: '127.0.0.1' });
    const joined = new Promise((resolve) => orchestrator.speech.pool.once('joined', resolve));
    worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        WORKER_ENTRY,
        '--url',
        `${baseUrl.replace('http', 'ws')}/ws/workers`,
        '--token',
        orchestrator.speech.token,
        '--name',
        'gpu-box',
      ],
      {
        cwd: root,
        stdio: 'ignore',
        env: {
          ...process.env,
          LOG_LEVEL: 'silent',
          SPEECH_STT: 'remote',
          SPEECH_TTS: 'remote',
          SPEECH_VAD: 'none',
          SPEECH_REMOTE_URL: `${a.baseUrl}/v1`,
          SPEECH_REMOTE_API_KEY: upstreamKey,
          SPEECH_REMOTE_VOICES: 'en',
        },
      },
    );
    await joined;
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await orchestrator?.dispose();
    await upstream?.dispose();
  });

  it('joins the pool and is listed by the admin API', async () => {
    const res = await orchestrator.app.inject({
      method: 'GET',
      url: '/api/speech/workers',
      headers: bearer(await orchestrator.adminToken()),
    });
    expect(res.json().workers).toEqual([
      expect.objectContaining({
        name: 'gpu-box',
        local: false,
        state: 'ready',
        capabilities: expect.objectContaining({ vad: [] }),
      }),
    ]);
  });

  it('transcribes and synthesizes through the remote engines', async () => {
    const owner = await orchestrator.createUser('user');
    const key = (await orchestrator.services.apiKeys.create({ name: 'k', ownerId: owner.id, createdBy: null })).key;
    const client = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const file = await toFile(fs.readFileSync(fixturePath('en-slt16k-09.wav')), 'a.wav');
    const result = await client.audio.transcriptions.create({ file, model: 'whisper-1' });
    expect(result.text).toContain('message');
    const speech = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'en',
      input: 'hello there',
      response_format: 'pcm',
    });
    expect(speech.headers.get('x-sample-rate')).toBe('22050');
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });
});
