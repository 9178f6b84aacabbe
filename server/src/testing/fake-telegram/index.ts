import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update, UserFromGetMe } from 'grammy/types';
import { BotState, type WebhookConfig } from './bot-state.js';
import { FileStore } from './files.js';
import { SendLimits, type SendLimitsOptions } from './limits.js';
import { METHODS } from './methods.js';
import { callbackUpdate, textUpdate, voiceUpdate } from './user-updates.js';
import { acceptProviderToken, payInvoice, paymentsOf, type PayOutcome, type UserPaySpec } from './payments.js';
import { WebhookDelivery } from './webhook.js';
import {
  BotApiError,
  decodeRequest,
  notFound,
  tooManyRequests,
  unauthorized,
  writeError,
  writeResult,
  type DecodedBody,
} from './wire.js';
import type {
  BotSpec,
  InjectedFailure,
  RecordedCall,
  StoredFile,
  UserMessageSpec,
  UserPressSpec,
  UserVoiceSpec,
} from './types.js';

export type * from './types.js';
export { BotApiError } from './wire.js';
export type { FakeCharge, FakeInvoice, PayOutcome, UserPaySpec } from './payments.js';
export type { SendLimits, SendLimitsOptions, SendLimitStats } from './limits.js';

/** Method name recorded for `GET /file/bot<token>/<file_path>` downloads. */
export const DOWNLOAD_METHOD = 'downloadFile';

interface QueuedFailure {
  method: string;
  remaining: number;
  failure: InjectedFailure;
}

/** Telegram matches method names case-insensitively. */
const METHOD_NAMES = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

function asBotApiError(error: unknown): BotApiError {
  if (error instanceof BotApiError) return error;
  return new BotApiError(500, 'Internal Server Error');
}

function describeCall(call: RecordedCall): string {
  const params = JSON.stringify(call.params);
  return `${call.method} ${call.status ?? 'open'} ${params.length > 120 ? `${params.slice(0, 120)}…` : params}`;
}

/** The upload a recorded call refers to under `param` (grammY sends `param: "attach://<id>"` plus a part `<id>`). */
export function attachedFile(call: RecordedCall, param: string): Buffer | undefined {
  const reference = call.params[param];
  if (typeof reference !== 'string' || !reference.startsWith('attach://')) return undefined;
  return call.files[reference.slice('attach://'.length)];
}

/**
 * A Telegram Bot API server for tests: the real wire protocol on 127.0.0.1 (`/bot<token>/<method>` with JSON,
 * urlencoded or multipart bodies, `{ ok, result }` / `{ ok: false, error_code, description, parameters }`,
 * long-polling getUpdates, webhooks, files), plus the user's side (`userSends`, `userSendsVoice`, `userPresses`) and
 * failure injection. Point grammY at it with `new Bot(token, { client: { apiRoot } })`.
 */
export class FakeTelegram {
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly bots = new Map<string, BotState>();
  private readonly fileStore = new FileStore();
  private readonly webhooks = new Map<string, WebhookDelivery>();
  private readonly recorded: RecordedCall[] = [];
  private readonly failures: QueuedFailure[] = [];
  private readonly disabledMethods = new Set<string>();
  private readonly sendLimits = new Map<string, SendLimits>();
  private root = '';

  async start(): Promise<{ apiRoot: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.root = `http://127.0.0.1:${port}`;
    return { apiRoot: this.root };
  }

  /** `http://127.0.0.1:<port>`, without a trailing slash (grammY refuses one); '' before start(). */
  get apiRoot(): string {
    return this.root;
  }

  /** Ends everything, hanging requests and held long polls included. */
  async close(): Promise<void> {
    for (const delivery of this.webhooks.values()) delivery.stop();
    this.webhooks.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  addBot(spec: BotSpec): UserFromGetMe {
    const bot = new BotState(spec.token, spec);
    bot.onUpdate = () => this.webhooks.get(spec.token)?.kick();
    this.bots.set(spec.token, bot);
    return bot.user;
  }

  /** Later calls with this token answer 401 Unauthorized; a held getUpdates ends with 401 now; webhooks stop. */
  revoke(token: string): void {
    const bot = this.bot(token);
    bot.revoked = true;
    bot.failPoll(unauthorized());
    this.webhooks.get(token)?.stop();
  }

  userSends(token: string, spec: UserMessageSpec): Update {
    return textUpdate(this.bot(token), spec);
  }

  userSendsVoice(token: string, spec: UserVoiceSpec): Update {
    return voiceUpdate(this.bot(token), this.fileStore, spec);
  }

  userPresses(token: string, spec: UserPressSpec): Update {
    return callbackUpdate(this.bot(token), spec);
  }

  /** The user pays the chat's last invoice (or `messageId`, or a `link`): pre_checkout_query, then successful_payment. */
  userPays(token: string, spec: UserPaySpec): Promise<PayOutcome> {
    return payInvoice(this.bot(token), spec);
  }

  /** A payment provider token (as @BotFather gives) that invoices in other currencies than XTR may use. */
  acceptProviderToken(providerToken: string): void {
    acceptProviderToken(providerToken);
  }

  /** Invoices the bot issued and the charges users made (refunded ones marked). */
  payments(token: string) {
    const state = paymentsOf(this.bot(token));
    return { invoices: [...state.invoices], charges: [...state.charges.values()] };
  }

  /** Any update as given (update_id assigned when missing): oversized or malformed ones included. */
  pushUpdate(token: string, rawUpdate: Record<string, unknown>): Update {
    return this.bot(token).push(rawUpdate);
  }

  /** Updates not yet confirmed by a getUpdates offset (or a 2xx webhook answer). */
  pendingUpdates(token: string): Update[] {
    return this.bot(token).pending();
  }

  calls(filter?: string | ((call: RecordedCall) => boolean)): RecordedCall[] {
    if (filter === undefined) return [...this.recorded];
    const match = typeof filter === 'string' ? (call: RecordedCall) => call.method === filter : filter;
    return this.recorded.filter(match);
  }

  /** The first recorded call (past or future) of `method` matching `predicate`; rejects after `timeoutMs`. */
  async waitForCall(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.recorded.find((call) => call.method === method && predicate(call));
      if (found) return found;
      if (Date.now() >= deadline) throw new Error(this.waitTimeoutMessage(method, timeoutMs));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Texts of the bot messages in a chat, in the order sent, with edits applied and deleted ones left out. */
  messagesTo(chatId: number, token?: string): string[] {
    return this.messages(chatId, token).flatMap((message) => (message.text === undefined ? [] : [message.text]));
  }

  /** The bot's messages in a chat (text, voice, document…), as stored after edits. */
  messages(chatId: number, token?: string): Message[] {
    const bots = token === undefined ? [...this.bots.values()] : [this.bot(token)];
    return bots.flatMap((bot) => bot.botMessages(chatId));
  }

  /** A file users sent or bots uploaded. */
  file(fileId: string): StoredFile | undefined {
    return this.fileStore.get(fileId);
  }

  /** The next `n` calls of `method` (any token; '*' for any method) fail this way instead of working. */
  failNext(method: string, n: number, failure: InjectedFailure): void {
    this.failures.push({ method, remaining: n, failure });
  }

  /** Beyond `perSecond` calls of `methods` in any rolling second, answer 429 retry_after 1; null lifts it. */
  rateLimit(token: string, perSecond: number | null, methods: string[] = ['sendMessage']): void {
    this.bot(token).rateLimit = perSecond === null ? undefined : { perSecond, methods: new Set(methods), sentAt: [] };
  }

  /** Telegram's flood limits and blocked chats for a bot's sends (limits.ts); configured again on a later call. */
  limits(token: string, options: SendLimitsOptions = {}): SendLimits {
    const existing = this.sendLimits.get(token);
    if (existing) return (existing.configure(options), existing);
    const limits = new SendLimits(options);
    this.sendLimits.set(token, limits);
    return limits;
  }

  /** The method answers 404 Not Found, like a server that predates it (e.g. sendMessageDraft before Bot API 9.3). */
  disableMethod(method: string, disabled = true): void {
    if (disabled) this.disabledMethods.add(method.toLowerCase());
    else this.disabledMethods.delete(method.toLowerCase());
  }

  /** Bot commands stored by setMyCommands for that scope type ('default', 'all_private_chats', …) and language. */
  commands(token: string, languageCode = '', scopeType = 'default') {
    return this.bot(token).commands.get(`${scopeType}:${languageCode}`);
  }

  webhookOf(token: string): WebhookConfig | undefined {
    return this.bot(token).webhook;
  }

  private bot(token: string): BotState {
    const bot = this.bots.get(token);
    if (!bot) throw new Error(`FakeTelegram: no bot with this token (addBot first)`);
    return bot;
  }

  private waitTimeoutMessage(method: string, timeoutMs: number): string {
    const recent = this.recorded.slice(-15).map(describeCall);
    return `FakeTelegram: no ${method} call matched within ${timeoutMs} ms; recent calls:\n  ${recent.join('\n  ') || '(none)'}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-telegram');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return this.download(res, download[1]!, decodeURIComponent(download[2]!));
    const api = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    if (!api) return void writeError(res, notFound());
    await this.handleMethod(req, res, url, { token: api[1]!, method: api[2]! });
  }

  private async handleMethod(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    target: { token: string; method: string },
  ): Promise<void> {
    const call: RecordedCall = { ...target, params: {}, files: {}, at: Date.now() };
    try {
      const body = await decodeRequest(req, url);
      Object.assign(call, body);
      this.recorded.push(call);
      const failure = this.takeFailure(target.method);
      if (failure) return this.inject(failure, req, res, call);
      call.status = writeResult(res, await this.invoke(target, body, res));
    } catch (error) {
      if (!this.recorded.includes(call)) this.recorded.push(call);
      call.status = writeError(res, asBotApiError(error));
    }
  }

  private async invoke(target: { token: string; method: string }, body: DecodedBody, res: http.ServerResponse) {
    const bot = this.bots.get(target.token);
    if (!bot || bot.revoked) throw unauthorized();
    const name = METHOD_NAMES.get(target.method.toLowerCase());
    const handler = name === undefined || this.disabledMethods.has(name.toLowerCase()) ? undefined : METHODS[name];
    if (!name || !handler) throw notFound();
    if (!bot.admit(name, Date.now())) throw tooManyRequests(1);
    const limits = this.sendLimits.get(target.token);
    const refusal = limits?.admit(name, body.params.chat_id, Date.now());
    if (refusal) throw refusal;
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    if (res.socket?.destroyed === true) gone.abort(); // the client left while its body was read
    const result = await handler({
      bot,
      ...body,
      fileStore: this.fileStore,
      signal: gone.signal,
      setWebhook: (config) => this.setWebhook(bot, config),
    });
    await limits?.delivered(name, body.params.chat_id);
    return result;
  }

  private setWebhook(bot: BotState, config: WebhookConfig | undefined): void {
    this.webhooks.get(bot.token)?.stop();
    this.webhooks.delete(bot.token);
    bot.webhook = config;
    bot.lastWebhookError = undefined;
    if (!config) return;
    bot.failPoll(new BotApiError(409, 'Conflict: terminated by setWebhook request'));
    const delivery = new WebhookDelivery(bot);
    this.webhooks.set(bot.token, delivery);
    delivery.kick();
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    const queued = this.failures.find((entry) => entry.method === method || entry.method === '*');
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.failures.splice(this.failures.indexOf(queued), 1);
    return queued.failure;
  }

  private inject(
    failure: InjectedFailure,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    call: RecordedCall,
  ): void {
    if ('hang' in failure) return; // answered never; close() ends the connection
    if ('reset' in failure) return void req.socket.destroy();
    const error =
      failure.status === 429
        ? tooManyRequests(failure.retryAfter)
        : failure.status === 401
          ? unauthorized()
          : new BotApiError(500, 'Internal Server Error');
    call.status = writeError(res, error);
  }

  private download(res: http.ServerResponse, token: string, filePath: string): void {
    const bot = this.bots.get(token);
    const file = bot && !bot.revoked ? this.fileStore.byPath(token, filePath) : undefined;
    const call: RecordedCall = {
      token,
      method: DOWNLOAD_METHOD,
      params: { file_path: filePath },
      files: {},
      at: Date.now(),
    };
    this.recorded.push(call);
    if (!file) return void (call.status = writeError(res, notFound()));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    res.end(file.bytes);
    call.status = 200;
  }
}
