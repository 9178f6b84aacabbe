import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ModelDownloadView } from '@ai-secretary/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Model downloads from the admin API, through the real downloader (scripts/models.ts in a child
// process) against a local HTTP server: no model hub is reachable from tests.
const BODY = randomBytes(256 * 1024);
const CHUNKS = 16;

/** Serves BODY slowly (16 chunks, 60 ms apart) so progress can be seen while it runs. */
function serveSlowly(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/files/')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY.length) });
    let i = 0;
    const step = BODY.length / CHUNKS;
    const timer = setInterval(() => {
      res.write(BODY.subarray(i * step, (i + 1) * step));
      if (++i === CHUNKS) {
        clearInterval(timer);
        res.end();
      }
    }, 60);
    res.once('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function modelSet(name: string, url: string, sha256: string | null) {
  return {
    name,
    engine: 'sherpa',
    kind: 'tts-vits',
    languages: ['en'],
    sampleRateHz: 16000,
    licence: 'test',
    files: [{ path: 'model.onnx', url, sizeBytes: null, sha256, role: 'model' }],
  };
}

describe('speech model downloads from the admin API', () => {
  let rt: TestRuntime;
  let files: http.Server;
  let admin: string;
  let dir: string;

  const api = (method: 'GET' | 'POST', url: string, token = admin) =>
    rt.app.inject({ method, url, headers: bearer(token) });
  const download = async (name: string) =>
    (await api('GET', '/api/speech/models/downloads'))
      .json<{ items: ModelDownloadView[] }>()
      .items.find((d) => d.name === name);

  async function waitFinished(name: string): Promise<{ final: ModelDownloadView; seen: ModelDownloadView[] }> {
    const seen: ModelDownloadView[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = await download(name);
      if (view) seen.push(view);
      if (view && view.state !== 'running') return { final: view, seen };
      if (Date.now() > deadline) throw new Error(`download of ${name} did not finish: ${JSON.stringify(view)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    files = await serveSlowly();
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}/files`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-downloads-'));
    const sha = createHash('sha256').update(BODY).digest('hex');
    const manifest = {
      version: 1,
      models: [
        modelSet('test-voice', `${base}/model.onnx`, sha),
        modelSet('test-bad-hash', `${base}/other.onnx`, '0'.repeat(64)),
        modelSet('test-not-found', `http://127.0.0.1:${(files.address() as AddressInfo).port}/missing`, null),
      ],
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    rt = await createTestRuntime({
      env: { SPEECH_MODELS_MANIFEST: path.join(dir, 'manifest.json'), SHERPA_MODELS_DIR: path.join(dir, 'data') },
    });
    admin = await rt.adminToken();
  }, 60_000);
  afterAll(async () => {
    await rt?.dispose();
    files?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('downloads a missing set with progress, verifies it, and lists it as installed', async () => {
    const before = (await api('GET', '/api/speech/models')).json<{ models: Array<{ name: string; state: string }> }>();
    expect(before.models.find((m) => m.name === 'test-voice')?.state).toBe('missing');
    const started = await api('POST', '/api/speech/models/test-voice/download');
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ name: 'test-voice', state: 'running', receivedBytes: 0 });
    const again = await api('POST', '/api/speech/models/test-voice/download');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');

    const { final, seen } = await waitFinished('test-voice');
    expect(final).toMatchObject({ state: 'done', error: null, receivedBytes: BODY.length, totalBytes: BODY.length });
    const partial = seen.filter((v) => v.state === 'running' && v.receivedBytes > 0 && v.receivedBytes < BODY.length);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial[0]).toMatchObject({ file: 'model.onnx', totalBytes: BODY.length });
    const stored = fs.readFileSync(path.join(dir, 'data', 'test-voice', 'model.onnx'));
    expect(stored.equals(BODY)).toBe(true);
    const after = (await api('GET', '/api/speech/models?verify=true')).json<{
      models: Array<{ name: string; state: string }>;
    }>();
    expect(after.models.find((m) => m.name === 'test-voice')?.state).toBe('installed');
  });

  it('refuses a file whose hash does not match, and reports a server that answers 404', async () => {
    expect((await api('POST', '/api/speech/models/test-bad-hash/download')).statusCode).toBe(202);
    const bad = (await waitFinished('test-bad-hash')).final;
    expect(bad.state).toBe('failed');
    expect(bad.error).toMatch(/sha256/);
    expect(fs.existsSync(path.join(dir, 'data', 'test-bad-hash', 'model.onnx'))).toBe(false);

    expect((await api('POST', '/api/speech/models/test-not-found/download')).statusCode).toBe(202);
    const missing = (await waitFinished('test-not-found')).final;
    expect(missing).toMatchObject({ state: 'failed' });
    expect(missing.error).toMatch(/404/);
  });

  it('knows only manifest sets and only admins', async () => {
    const unknown = await api('POST', '/api/speech/models/no-such-set/download');
    expect(unknown.statusCode).toBe(404);
    expect((await api('POST', '/api/speech/models/Bad..Name/download')).statusCode).toBe(400);
    const user = await rt.createUser('user');
    expect((await api('POST', '/api/speech/models/test-voice/download', user.token)).statusCode).toBe(403);
    expect((await api('GET', '/api/speech/models/downloads', user.token)).statusCode).toBe(403);
  });
});
