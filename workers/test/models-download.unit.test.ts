import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSet } from '@ai-secretary/protocol';
import { downloadFile, downloadModelSet, ModelDownloadError } from '../src/speech/models/download.js';
import { readPins, verifyModelSet } from '../src/speech/models/verify.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A static file server that honours `Range: bytes=N-` like the release hosts do, and logs requests. */
function startServer(files: Record<string, Buffer>) {
  const requests: Array<{ url: string; range: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range });
    const body = files[req.url ?? ''];
    if (!body) return res.writeHead(404).end();
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (from >= body.length) return res.writeHead(416).end();
    const status = from > 0 ? 206 : 200;
    const headers: Record<string, string> = { 'content-length': String(body.length - from) };
    if (from > 0) headers['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
    res.writeHead(status, headers).end(body.subarray(from));
  });
  return { server, requests };
}

describe('model downloads', () => {
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'models-dl-'));
  const archiveDir = path.join(work, 'src', 'pkg-1.0');
  fs.mkdirSync(archiveDir, { recursive: true });
  fs.writeFileSync(path.join(archiveDir, 'model.onnx'), payload);
  fs.writeFileSync(path.join(archiveDir, 'tokens.txt'), 'a 0\nb 1\n');
  execFileSync('tar', ['-cjf', path.join(work, 'pkg.tar.bz2'), '-C', path.join(work, 'src'), 'pkg-1.0']);
  const archive = fs.readFileSync(path.join(work, 'pkg.tar.bz2'));
  const { server, requests } = startServer({ '/model.bin': payload, '/pkg.tar.bz2': archive });
  let base = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('downloads, reports progress and verifies size and sha256', async () => {
    const dest = path.join(work, 'a', 'model.bin');
    const seen: number[] = [];
    const pin = await downloadFile(`${base}/model.bin`, dest, {
      expected: { sizeBytes: payload.length, sha256: sha(payload) },
      onProgress: (p) => seen.push(p.receivedBytes),
    });
    expect(pin).toEqual({ sizeBytes: payload.length, sha256: sha(payload) });
    expect(fs.readFileSync(dest).equals(payload)).toBe(true);
    expect(seen.at(-1)).toBe(payload.length);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('resumes a partial download with a Range request', async () => {
    const dest = path.join(work, 'b', 'model.bin');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(`${dest}.part`, payload.subarray(0, 123_456));
    requests.length = 0;
    await downloadFile(`${base}/model.bin`, dest, { expected: { sizeBytes: payload.length, sha256: sha(payload) } });
    expect(requests).toEqual([{ url: '/model.bin', range: 'bytes=123456-' }]);
    expect(fs.readFileSync(dest).equals(payload)).toBe(true);
  });

  it('refuses a file whose hash does not match, and never puts it in place', async () => {
    const dest = path.join(work, 'c', 'model.bin');
    const wrong = { sizeBytes: payload.length, sha256: 'f'.repeat(64) };
    const error = await downloadFile(`${base}/model.bin`, dest, { expected: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect((error as Error).message).toMatch(/refusing model\.bin: sha256 [0-9a-f]{64}, expected f{64}/);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(`${dest}.corrupt`)).toBe(true);
  });

  it('fails clearly on a 404', async () => {
    await expect(downloadFile(`${base}/nope`, path.join(work, 'd', 'x'))).rejects.toThrow(/answered 404/);
  });

  it('downloads an archive set, extracts it, pins unpinned files, and then detects tampering', async () => {
    const modelsDir = path.join(work, 'models');
    const set: ModelSet = {
      name: 'test-set',
      engine: 'sherpa',
      kind: 'stt-online-ctc',
      languages: ['en'],
      sampleRateHz: 16000,
      licence: 'test',
      archive: { url: `${base}/pkg.tar.bz2`, sizeBytes: archive.length, sha256: sha(archive), stripComponents: 1 },
      files: [
        { path: 'model.onnx', role: 'model', sizeBytes: payload.length, sha256: sha(payload) },
        { path: 'tokens.txt', role: 'tokens', sizeBytes: null, sha256: null },
      ],
    };
    expect((await verifyModelSet(modelsDir, set)).state).toBe('missing');
    const status = await downloadModelSet(modelsDir, set);
    expect(status.state).toBe('installed');
    expect(readPins(path.join(modelsDir, 'test-set'))['tokens.txt']).toMatchObject({ sizeBytes: 8 });
    fs.writeFileSync(path.join(modelsDir, 'test-set', 'tokens.txt'), 'a 0\nc 1\n');
    const tampered = await verifyModelSet(modelsDir, set);
    expect(tampered).toMatchObject({ state: 'corrupt', problems: [expect.stringMatching(/^tokens\.txt: sha256/)] });
  });
});
