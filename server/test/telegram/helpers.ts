import type { TelegramBotView } from '@ai-secretary/protocol';
import { FakeTelegram, type RecordedCall } from '../../src/testing/fake-telegram/index.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

let tokens = 0;
/** A token shaped like @BotFather's, distinct per call. */
export function botToken(): string {
  tokens++;
  return `${700_000_000 + tokens}:AAH${'x'.repeat(28)}${String(tokens).padStart(4, '0')}`;
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const fake = new FakeTelegram();
  await fake.start();
  return fake;
}

export function telegramApi(rt: TestRuntime, admin: string) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    rt.app.inject({
      method,
      url: `/api/telegram${url}`,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
  const bot = async (id: string) => (await call('GET', `/bots/${id}`)).json<TelegramBotView>();
  return {
    call,
    bot,
    /** Waits until the bot's status is `status` (its process may take a while to start under load). */
    async until(id: string, status: TelegramBotView['status'], timeout = 90_000): Promise<TelegramBotView> {
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

/** Final texts the bot sent to a chat with sendMessage (drafts and edits left out). */
export const sentTexts = (fake: FakeTelegram, chatId: number) =>
  fake
    .calls((c: RecordedCall) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.status === 200)
    .map((c) => String(c.params.text));
