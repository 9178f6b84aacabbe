import type { DiscordBotView, ProcessLogs, TelegramBotView } from '@ai-secretary/protocol';
import type { TelegramBotAction } from '../api/endpoints.js';
import type { useApi } from '../api/instance.js';

/**
 * The bot channels whose admin pages share components: each is an API namespace (`api.telegram`,
 * `api.discord`), an i18n prefix and a test-id prefix of the same name.
 */
export type BotKind = 'telegram' | 'discord';
export type BotAction = TelegramBotAction;
export interface BotViews {
  telegram: TelegramBotView;
  discord: DiscordBotView;
}
export type AnyBotView = BotViews[BotKind];
export const BOT_ACTIONS: readonly BotAction[] = ['start', 'stop', 'restart'];

type Api = ReturnType<typeof useApi>['api'];

export const BOT_LANGUAGES = ['ru', 'en'] as const;

/** What the "add a bot" form sends; both kinds take it as it is. */
export interface NewBotBody {
  name: string;
  token: string;
  language: (typeof BOT_LANGUAGES)[number];
  autoStart: boolean;
  persona?: string;
}

export type NewBotField = 'token' | 'name' | 'persona';

/** Which form field a create/update error is about (shown next to it), or null for the form as a whole. */
export function newBotErrorField(kind: BotKind, code: string, message: string): NewBotField | null {
  if (code === `${kind.toUpperCase()}_TOKEN_REJECTED`) return 'token';
  const match = /^(?:body\/)?(token|name|persona)\b/.exec(message);
  if (match) return match[1] as NewBotField;
  return /persona/i.test(message) ? 'persona' : null;
}

interface BotLifecycleApi<V> {
  create(body: NewBotBody): Promise<V>;
  act(botId: string, action: BotAction): Promise<V>;
  logs(botId: string): Promise<ProcessLogs>;
}

/** The calls both kinds answer the same way, each typed with its own bot view. */
export function botLifecycleApi<K extends BotKind>(api: Api, kind: K): BotLifecycleApi<BotViews[K]> {
  const apis: { [Kind in BotKind]: BotLifecycleApi<BotViews[Kind]> } = { telegram: api.telegram, discord: api.discord };
  return apis[kind];
}

/** Start only what is not running, stop only what is; restart always. */
export function actionEnabled(status: AnyBotView['status'], name: BotAction): boolean {
  if (name === 'start') return status === 'stopped' || status === 'failed' || status === 'crashed';
  if (name === 'stop') return status !== 'stopped' && status !== 'stopping';
  return true;
}
