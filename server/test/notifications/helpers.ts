import type { NotificationDeliveryView, NotificationTargetView } from '@ai-secretary/protocol';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

export function notificationsApi(rt: TestRuntime, admin: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    rt.app.inject({
      method,
      url: `/api/notifications${url}`,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
  return {
    call,
    async create(body: Record<string, unknown>): Promise<NotificationTargetView> {
      const res = await call('POST', '/targets', body);
      if (res.statusCode !== 201) throw new Error(`create target: ${res.statusCode} ${res.body}`);
      return res.json<NotificationTargetView>();
    },
    async deliveries(status?: string): Promise<NotificationDeliveryView[]> {
      const res = await call('GET', `/deliveries${status ? `?status=${status}` : ''}`);
      return res.json<{ items: NotificationDeliveryView[] }>().items;
    },
  };
}

/** Polls until `check` returns a truthy value (state-based waiting, not a timing assertion). */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
