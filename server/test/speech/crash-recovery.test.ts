import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AudioChunk } from '@ai-secretary/protocol';
import { entersState } from '../../src/core/state/enters-state.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';
import { chunked, fixturePath, readWav } from '../helpers/speech.js';
import { startSpeechRuntime } from './helpers.js';

// Real engines in child processes on a shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/** A manifest with one sherpa set whose model file on disk does not match its pinned hash. */
function corruptModelSetup(): { dir: string; manifest: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-models-'));
  const good = Buffer.from('the real model bytes');
  const files = ['model.onnx', 'tokens.txt'].map((p) => ({
    path: p,
    role: p === 'tokens.txt' ? 'tokens' : 'model',
    sizeBytes: good.length,
    sha256: createHash('sha256').update(good).digest('hex'),
  }));
  const set = {
    name: 'test-corrupt-ctc',
    engine: 'sherpa',
    kind: 'stt-online-ctc',
    languages: ['en'],
    sampleRateHz: 16000,
    licence: 'test',
    files,
  };
  fs.mkdirSync(path.join(dir, set.name));
  fs.writeFileSync(path.join(dir, set.name, 'model.onnx'), Buffer.from('the fake model bytes')); // same size, other bytes
  fs.writeFileSync(path.join(dir, set.name, 'tokens.txt'), good);
  const manifest = path.join(dir, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ version: 1, models: [set] }));
  return { dir, manifest };
}

describe('worker supervision', () => {
  let runtime: TestRuntime;
  const models = corruptModelSetup();

  beforeAll(async () => {
    ({ runtime } = await startSpeechRuntime({
      SPEECH_STT: 'pocketsphinx,sherpa:test-corrupt-ctc',
      SHERPA_MODELS_DIR: models.dir,
      SPEECH_MODELS_MANIFEST: models.manifest,
    }));
  });
  afterAll(async () => {
    await runtime?.dispose();
    fs.rmSync(models.dir, { recursive: true, force: true });
  });

  it('refuses a corrupt model before loading it, reports it, and keeps the other engines', async () => {
    const [worker] = runtime.speech.pool.list();
    expect(worker?.problems).toEqual([
      expect.objectContaining({ engine: 'sherpa:test-corrupt-ctc', code: 'MODEL_CORRUPT', model: 'test-corrupt-ctc' }),
    ]);
    expect(worker?.capabilities.stt.map((c) => c.engine)).toEqual(['pocketsphinx']);
    const res = await runtime.app.inject({
      method: 'GET',
      url: '/api/speech/workers',
      headers: bearer(await runtime.adminToken()),
    });
    expect(res.json().workers[0]).toMatchObject({
      local: true,
      state: 'ready',
      problems: [expect.objectContaining({ code: 'MODEL_CORRUPT' })],
    });
    const models = await runtime.app.inject({
      method: 'GET',
      url: '/api/speech/models?verify=true',
      headers: bearer(await runtime.adminToken()),
    });
    expect(models.json().models).toEqual([expect.objectContaining({ name: 'test-corrupt-ctc', state: 'corrupt' })]);
  });

  it('kill -9 mid-job: the job fails retryably, the worker is restarted, the next job succeeds', async () => {
    const supervisor = runtime.speech.localWorker!;
    const audio = readWav(fixturePath('en-slt16k-03.wav'));
    let inFlight!: () => void;
    const sent = new Promise<void>((resolve) => (inFlight = resolve));
    async function* neverEnding(): AsyncIterable<AudioChunk> {
      yield* chunked(audio);
      inFlight();
      await new Promise(() => undefined); // the caller keeps the line open
    }
    const job = (async () => {
      for await (const _ of runtime.speech.service.transcribeStream(neverEnding())) void _;
    })();
    await Promise.race([sent, job]); // a job that fails early must not leave the test waiting
    const pid = supervisor.pid!;
    const restarted = entersState(supervisor, 'backoff', 30_000).then(() => entersState(supervisor, 'ready', 150_000));
    process.kill(pid, 'SIGKILL');
    await expect(job).rejects.toMatchObject({ code: 'SPEECH_WORKER_LOST', retryable: true, statusCode: 503 });
    await restarted;
    expect(supervisor.pid).not.toBe(pid);
    expect(supervisor.restarts).toBe(1);
    const texts: string[] = [];
    for await (const s of runtime.speech.service.transcribeStream(chunked(audio))) texts.push(s.text);
    expect(texts.join(' ')).toContain('manager');
  });

  it('an admin restart brings the worker back', async () => {
    const supervisor = runtime.speech.localWorker!;
    const token = await runtime.adminToken();
    const before = supervisor.pid;
    const back = entersState(supervisor, 'backoff', 30_000).then(() => entersState(supervisor, 'ready', 150_000));
    const res = await runtime.app.inject({
      method: 'POST',
      url: `/api/speech/workers/${supervisor.id}/restart`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    await back;
    expect(supervisor.pid).not.toBe(before);
    const missing = await runtime.app.inject({
      method: 'POST',
      url: '/api/speech/workers/nope/restart',
      headers: bearer(token),
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('worker memory limit', () => {
  let runtime: TestRuntime;
  afterAll(async () => runtime?.dispose());

  it('a worker over its memory limit is killed and restarted', async () => {
    ({ runtime } = await startSpeechRuntime({
      SPEECH_WORKER_MEMORY_LIMIT_MB: '64',
      SPEECH_RESTART_BACKOFF_MAX_MS: '60000',
    }));
    const supervisor = runtime.speech.localWorker!;
    await entersState(supervisor, 'backoff', 60_000);
    expect(supervisor.lastExit).toMatchObject({
      signal: 'SIGKILL',
      reason: expect.stringMatching(/^memory limit exceeded \(\d+ MB\)$/),
    });
    await entersState(supervisor, 'ready', 150_000);
    expect(supervisor.restarts).toBeGreaterThanOrEqual(1);
  });
});
