import type { BotCommand, Chat, Message, Update, User, UserFromGetMe } from 'grammy/types';
import { BotApiError } from './wire.js';
import type { BotSpec, ChatType, UserMessageSpec } from './types.js';

interface ChatState {
  chat: Chat;
  lastMessageId: number;
  messages: Map<number, Message>;
  /** Ids of the messages the bot sent, in order. */
  botMessageIds: number[];
}

interface PendingPoll {
  wake: () => void;
  fail: (error: BotApiError) => void;
}

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
}

export interface TakeOptions {
  offset?: number;
  limit: number;
  timeoutS: number;
  signal: AbortSignal;
}

const CONFLICT_OTHER_POLL =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

let nextBotId = 7_000_000_001;

function chatFor(chatId: number, type: ChatType, from: User): Chat {
  if (type === 'private') {
    return { id: chatId, type, first_name: from.first_name, ...(from.username ? { username: from.username } : {}) };
  }
  return { id: chatId, type, title: `Test ${type} ${chatId}` };
}

export function userFrom(spec: UserMessageSpec['from'], chatId: number): User {
  const id = spec?.id ?? (chatId > 0 ? chatId : 1000);
  const user: User = { id, is_bot: false, first_name: spec?.firstName ?? 'Test User' };
  if (spec?.username) user.username = spec.username;
  if (spec?.languageCode) user.language_code = spec.languageCode;
  return user;
}

export const defaultChatType = (chatId: number): ChatType =>
  chatId > 0 ? 'private' : String(chatId).startsWith('-100') ? 'supergroup' : 'group';

/** Everything one bot token owns on the fake server: its update queue, chats, commands and webhook. */
export class BotState {
  readonly user: UserFromGetMe;
  revoked = false;
  webhook: WebhookConfig | undefined;
  lastWebhookError: { date: number; message: string } | undefined;
  readonly commands = new Map<string, BotCommand[]>();
  menuButton: unknown = { type: 'commands' };
  readonly callbackQueries = new Set<string>();
  rateLimit: { perSecond: number; methods: Set<string>; sentAt: number[] } | undefined;
  /** Called after each new update (webhook delivery listens here). */
  onUpdate: () => void = () => {};
  private updates: Update[] = [];
  private lastUpdateId = 0;
  private poll: PendingPoll | undefined;
  private readonly chats = new Map<number, ChatState>();

  constructor(
    readonly token: string,
    spec: BotSpec,
  ) {
    this.user = {
      id: spec.id ?? nextBotId++,
      is_bot: true,
      first_name: spec.firstName ?? spec.username,
      username: spec.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as UserFromGetMe;
  }

  push(update: Record<string, unknown>): Update {
    const given = typeof update.update_id === 'number' ? update.update_id : undefined;
    const full = { ...update, update_id: given ?? this.lastUpdateId + 1 } as Update;
    this.lastUpdateId = Math.max(this.lastUpdateId, full.update_id);
    this.updates.push(full);
    this.poll?.wake();
    this.onUpdate();
    return full;
  }

  pending(): Update[] {
    return [...this.updates];
  }

  /** getUpdates' `offset`: everything below it is confirmed and forgotten; negative keeps the last -offset. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) this.updates = this.updates.slice(offset);
    else this.updates = this.updates.filter((update) => update.update_id >= offset);
  }

  dropPending(): void {
    this.updates = [];
  }

  async take(options: TakeOptions): Promise<Update[]> {
    this.confirm(options.offset);
    this.poll?.fail(new BotApiError(409, CONFLICT_OTHER_POLL));
    if (this.updates.length === 0 && options.timeoutS > 0) await this.waitForUpdate(options);
    return this.updates.slice(0, options.limit);
  }

  /** Ends a held getUpdates with this error (revoked token, webhook set). */
  failPoll(error: BotApiError): void {
    this.poll?.fail(error);
  }

  private waitForUpdate(options: TakeOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: BotApiError) => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        if (this.poll === poll) this.poll = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done();
      const timer = setTimeout(done, options.timeoutS * 1000);
      const poll: PendingPoll = { wake: () => done(), fail: (error) => done(error) };
      this.poll = poll;
      options.signal.addEventListener('abort', onAbort);
    });
  }

  chat(chatId: number, type?: ChatType, from?: User): ChatState {
    let state = this.chats.get(chatId);
    if (!state) {
      const chatType = type ?? defaultChatType(chatId);
      state = {
        chat: chatFor(chatId, chatType, from ?? userFrom(undefined, chatId)),
        lastMessageId: 0,
        messages: new Map(),
        botMessageIds: [],
      };
      this.chats.set(chatId, state);
    }
    return state;
  }

  nextMessageId(chatId: number): number {
    return (this.chat(chatId).lastMessageId += 1);
  }

  store(message: Message, fromBot: boolean): void {
    const state = this.chat(message.chat.id);
    state.messages.set(message.message_id, message);
    if (fromBot) state.botMessageIds.push(message.message_id);
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  deleteMessage(chatId: number, messageId: number): boolean {
    return this.chats.get(chatId)?.messages.delete(messageId) ?? false;
  }

  /** The bot's messages in a chat still there (not deleted), in the order sent, with edits applied. */
  botMessages(chatId: number): Message[] {
    const state = this.chats.get(chatId);
    if (!state) return [];
    return state.botMessageIds.flatMap((id) => state.messages.get(id) ?? []);
  }

  /** Rolling one-second window; counts only the calls it lets through. */
  admit(method: string, now: number): boolean {
    const limit = this.rateLimit;
    if (!limit?.methods.has(method)) return true;
    limit.sentAt = limit.sentAt.filter((at) => now - at < 1000);
    if (limit.sentAt.length >= limit.perSecond) return false;
    limit.sentAt.push(now);
    return true;
  }
}
