import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeHttpReceiver } from '../../src/testing/fake-http-receiver.js';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { notificationsApi } from './helpers.js';

// A real child process that crashes at once: the supervisor gives up on it (crash loop) and the owner is told.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('owner notifications: a child process that crash-loops', () => {
  let rt: TestRuntime;
  const ntfy = new FakeHttpReceiver();

  beforeAll(async () => {
    const url = await ntfy.start();
    rt = await createTestRuntime({
      env: { PROCESS_CRASH_LOOP_CRASHES: '2', PROCESS_CRASH_LOOP_WINDOW_S: '600', NOTIFY_POLL_MS: '30' },
    });
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const api = notificationsApi(rt, await rt.adminToken());
    await api.create({
      ...{ name: 'Ops', kind: 'ntfy', events: ['process.failing'], language: 'en' },
      ntfy: { url, topic: 'ops' },
    });
  });
  afterAll(async () => {
    await rt.dispose();
    await ntfy.close();
  });

  it('process.failing is sent once the child enters failed', async () => {
    const child = rt.processes.supervisor.add({
      ...{ id: 'crashy', kind: 'echo', name: 'crashy', command: process.execPath, args: ['-e', 'process.exit(3)'] },
      ...{ handshakeTimeoutMs: 60_000, memoryLimitBytes: 512 * 1_048_576, backoffBaseMs: 50, backoffMaxMs: 200 },
    });
    const [push] = await ntfy.waitForDelivered(1);
    expect(child.status).toBe('failed');
    expect(push).toMatchObject({ path: '/ops' });
    expect(push!.headers).toMatchObject({ priority: '5', tags: 'warning' });
    expect(push!.body).toContain('Process crashy (echo) stopped: crash loop');
  });
});
