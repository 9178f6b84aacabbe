import type { DiscordBotView } from '@ai-secretary/protocol';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

export function discordApi(rt: TestRuntime, admin: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    rt.app.inject({
      method,
      url: `/api/discord${url}`,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
  const bot = async (id: string) => (await call('GET', `/bots/${id}`)).json<DiscordBotView>();
  return {
    call,
    bot,
    /** Waits until the bot's status is `status` (its process may take a while to start under load). */
    async until(id: string, status: DiscordBotView['status'], timeout = 90_000): Promise<DiscordBotView> {
      const deadline = Date.now() + timeout;
      for (;;) {
        const view = await bot(id);
        if (view.status === status) return view;
        if (Date.now() > deadline)
          throw new Error(`bot ${id} is ${view.status} (${view.lastError ?? '-'}), not ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}
