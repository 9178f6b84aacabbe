import type http from 'node:http';
import type { Gateway } from './gateway.js';
import type { Interactions } from './interactions.js';
import { RateLimits, type BucketState } from './rate-limits.js';
import { channelFor, type RouteContext } from './rest-context.js';
import { matchRoute, type MatchedRoute } from './rest-routes.js';
import type { InjectedFailure, RecordedCall } from './types.js';
import {
  DiscordApiError,
  internalError,
  notFound,
  parseJsonBody,
  rateLimited,
  readBody,
  unauthorized,
  writeJson,
} from './wire.js';
import type { BotRecord, World } from './world.js';

export const API_PREFIX = '/api/v10';

interface QueuedFailure {
  route: string;
  remaining: number;
  failure: InjectedFailure;
}

export interface RestOptions {
  world: World;
  gateway: Gateway;
  interactions: Interactions;
  rateLimits: RateLimits;
  gatewayUrl: () => string;
}

function asApiError(error: unknown): DiscordApiError {
  return error instanceof DiscordApiError ? error : internalError();
}

function tokenOf(req: http.IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bot ') ? header.slice('Bot '.length) : '';
}

/** The REST API under `/api/v10`: auth, failure injection, buckets with their headers, then the route's handler. */
export class RestApi {
  readonly recorded: RecordedCall[] = [];
  private readonly failures: QueuedFailure[] = [];

  constructor(private readonly options: RestOptions) {}

  /** The next `n` requests to `route` ('POST /channels/:channelId/messages', or '*') fail this way. */
  failNext(route: string, n: number, failure: InjectedFailure): void {
    this.failures.push({ route, remaining: n, failure });
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-discord');
    const call = this.record(req, url);
    try {
      if (!url.pathname.startsWith(API_PREFIX)) throw notFound();
      const json = parseJsonBody(await readBody(req), req.headers['content-type'] ?? '');
      Object.assign(call, { json, body: isObject(json) ? json : {} });
      const matched = matchRoute(call.method, call.path);
      Object.assign(call, { route: `${call.method} ${matched.route.path}`, params: matched.params });
      await this.serve(call, matched, res);
    } catch (error) {
      call.status = writeJson(res, asApiError(error).status, asApiError(error).body(), {});
    }
  }

  private record(req: http.IncomingMessage, url: URL): RecordedCall {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    const call: RecordedCall = {
      route: `${method} ${path}`,
      method,
      path,
      params: {},
      query: Object.fromEntries(url.searchParams.entries()),
      body: {},
      json: undefined,
      token: tokenOf(req),
      at: Date.now(),
    };
    this.recorded.push(call);
    return call;
  }

  private async serve(call: RecordedCall, matched: MatchedRoute, res: http.ServerResponse): Promise<void> {
    const bot = this.authenticate(call, matched);
    const failure = this.takeFailure(call.route);
    if (failure && 'hang' in failure) return; // never answered; close() ends the connection
    const bucket = this.options.rateLimits.take(call.route, call.params);
    const headers = RateLimits.headers(bucket);
    if (failure) return void (call.status = this.injected(failure, bucket, res));
    if (!bucket.admitted) return void (call.status = this.limited(bucket, false, res));
    try {
      const result = matched.route.handle(this.context(call, bot));
      call.status = writeJson(res, result === undefined ? 204 : 200, result, headers);
    } catch (error) {
      call.status = writeJson(res, asApiError(error).status, asApiError(error).body(), headers);
    }
  }

  private authenticate(call: RecordedCall, matched: MatchedRoute): BotRecord {
    const bot = this.options.world.bots.get(call.token);
    if (matched.route.auth === false) return bot ?? ({} as BotRecord);
    if (!bot || bot.revoked) throw unauthorized();
    return bot;
  }

  private context(call: RecordedCall, bot: BotRecord): RouteContext {
    const { world, gateway, interactions } = this.options;
    return {
      world,
      gateway,
      interactions,
      bot,
      params: call.params,
      query: call.query,
      body: call.body,
      json: call.json,
      gatewayUrl: this.options.gatewayUrl(),
      channel: () => channelFor(world, bot, call.params.channelId),
    };
  }

  private takeFailure(route: string): InjectedFailure | undefined {
    const queued = this.failures.find((entry) => entry.route === route || entry.route === '*');
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.failures.splice(this.failures.indexOf(queued), 1);
    return queued.failure;
  }

  private injected(failure: Exclude<InjectedFailure, { hang: true }>, bucket: BucketState, res: http.ServerResponse) {
    if (failure.status === 429) return this.limited(bucket, failure.global ?? false, res, failure.retryAfter);
    const error = failure.status === 401 ? unauthorized() : internalError();
    return writeJson(res, error.status, error.body(), RateLimits.headers(bucket));
  }

  /**
   * 429 as Discord sends it: body `retry_after` (seconds, fractional), `Retry-After`, scope, the global flag. An
   * injected one empties the bucket for `retryAfterS`; an earned one until the window resets.
   */
  private limited(bucket: BucketState, global: boolean, res: http.ServerResponse, retryAfterS?: number): number {
    const nowMs = Date.now();
    const resetAtMs = retryAfterS === undefined ? bucket.resetAtMs : nowMs + retryAfterS * 1000;
    const waitS = Math.max(0.001, (resetAtMs - nowMs) / 1000);
    const headers: Record<string, string> = {
      ...RateLimits.headers({ ...bucket, remaining: 0, resetAtMs }, nowMs),
      'retry-after': String(waitS),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : {}),
    };
    return writeJson(res, 429, rateLimited(waitS, global).body(), headers);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
