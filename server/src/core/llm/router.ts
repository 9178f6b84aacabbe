import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import {
  absorbAll,
  createAccumulator,
  deferred,
  flatten,
  type Accumulator,
  type ChatResult,
  type ChatStream,
} from './chat-stream.js';
import {
  ChatAbortedError,
  LimitExceededError,
  LlmUnavailableError,
  StreamFailedError,
  UnknownModelError,
  UpstreamRejectedError,
  type AttemptReport,
} from './errors.js';
import type { FaqHit, FaqService } from './faq/faq-service.js';
import { estimateTokens, textOf, type ConversationMemory } from './memory.js';
import type { LlmMetrics } from './metrics.js';
import type { PersonasService } from './personas.js';
import type { ProviderHandle, ProviderRegistry } from './provider-registry.js';
import type { LimitRecord } from './records.js';
import {
  ProviderFailure,
  type ChatDelta,
  type ChatMessage,
  type ProviderEvent,
  type ProviderRequest,
  type SamplingParams,
  type ToolChoice,
  type ToolDefinition,
} from './types.js';
import type { UsageService } from './usage.js';

/** What any channel asks the router for. */
export interface ChatRequest {
  /** A persona slug (`secretary`), `auto`, an upstream model name, or `<provider name>/<model>`. */
  route: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Overrides the persona's sampling defaults. */
  sampling?: SamplingParams;
  /** `v1`, `telegram`, `gsm`, `widget`, … (usage, limits, metrics). */
  channel: string;
  instanceId?: string | null;
  userId?: string | null;
  apiKeyId?: string | null;
  /** Enables conversation memory under this key, e.g. `telegram:<bot>:<chat>`. */
  sessionKey?: string | null;
  /** End-user id passed to the provider (OpenAI's `user`). */
  user?: string;
  /** FAQ instant answers for persona routes (default true). */
  faq?: boolean;
  /**
   * The channel's own system instructions (the voice engine's call rules): merged with the persona
   * prompt into ONE system message, persona first. Without a persona they are the system message.
   */
  instructions?: string;
  signal?: AbortSignal;
}

export interface RouterDeps {
  registry: ProviderRegistry;
  personas: PersonasService;
  faq: FaqService;
  usage: UsageService;
  memory: ConversationMemory;
  metrics: LlmMetrics;
  clock: Clock;
  onError: (error: unknown, context: string) => void;
}

interface Candidate {
  handle: ProviderHandle;
  model: string;
}

interface Plan {
  route: string;
  persona: ReturnType<PersonasService['find']>;
  candidates: Candidate[];
  request: Omit<ProviderRequest, 'model'>;
}

interface Committed {
  candidate: Candidate;
  iterator: AsyncIterator<ProviderEvent[]>;
  pending: ProviderEvent[];
  done: boolean;
  controller: AbortController;
  timer: NodeJS.Timeout;
  detach: () => void;
  ttftMs: number;
}

const TIMEOUT = Symbol('timeout');
const CLIENT_ABORT = Symbol('client-abort');

/**
 * The secretary's brain: resolves a route to providers, answers from the FAQ when it can, enforces
 * daily limits, and fails over between providers until the first token (never after).
 */
export function createLlmRouter(deps: RouterDeps) {
  function candidatesFor(target: string): Candidate[] {
    const live = deps.registry.handles().filter((h) => h.record.enabled);
    if (target === 'auto') return live.map((h) => ({ handle: h, model: h.record.models[0] ?? '' }));
    const slash = target.indexOf('/');
    const named = slash > 0 ? live.find((h) => h.record.name === target.slice(0, slash)) : undefined;
    if (named) return [{ handle: named, model: target.slice(slash + 1) }];
    return live.filter((h) => h.record.models.includes(target)).map((h) => ({ handle: h, model: target }));
  }

  function knowsRoute(target: string): boolean {
    return deps.personas.find(target) !== null || target === 'auto' || candidatesFor(target).length > 0;
  }

  async function plan(req: ChatRequest): Promise<Plan> {
    const persona = deps.personas.find(req.route);
    if (!persona && !knowsRoute(req.route)) throw new UnknownModelError(req.route);
    const prompt = [persona ? deps.personas.render(persona, deps.clock()) : '', req.instructions?.trim() ?? '']
      .filter((part) => part !== '')
      .join('\n\n');
    const system: ChatMessage[] = prompt === '' ? [] : [{ role: 'system', content: prompt }];
    const history = req.sessionKey ? await deps.memory.load(req.sessionKey) : [];
    const defaults: SamplingParams = persona
      ? dropNulls({ temperature: persona.temperature, topP: persona.topP, maxTokens: persona.maxTokens })
      : {};
    return {
      route: req.route,
      persona,
      candidates: candidatesFor(persona ? persona.route : req.route),
      request: {
        ...defaults,
        ...req.sampling,
        messages: [...system, ...history, ...req.messages],
        tools: req.tools,
        toolChoice: req.toolChoice,
        user: req.user,
      },
    };
  }

  async function applyLimits(p: Plan, req: ChatRequest): Promise<Candidate[]> {
    const over = await deps.usage.exceeded({
      route: p.route,
      instanceId: req.instanceId ?? null,
      apiKeyId: req.apiKeyId ?? null,
    });
    if (over.length === 0) return p.candidates;
    const refusing = over.find((l) => l.action === 'refuse');
    if (refusing) throw new LimitExceededError(limitMessage(refusing));
    const cheaper = cheaperThan(p.candidates);
    if (cheaper.length === 0)
      throw new LimitExceededError(`${limitMessage(over[0]!)}, and no cheaper model is configured`);
    return cheaper;
  }

  /** Every priced model cheaper than the route's first choice, most expensive (= next cheaper) first. */
  function cheaperThan(current: Candidate[]): Candidate[] {
    const ceiling = current[0] ? deps.usage.unitPrice(current[0].model) : null;
    if (ceiling === null) return [];
    const all = candidatesFor('auto').flatMap((c) =>
      c.handle.record.models.map((model) => ({ handle: c.handle, model })),
    );
    const priced = all
      .map((c) => ({ c, price: deps.usage.unitPrice(c.model) }))
      .filter((x): x is { c: Candidate; price: number } => x.price !== null && x.price < ceiling);
    return priced.sort((a, b) => b.price - a.price).map((x) => x.c);
  }

  function faqHit(p: Plan, req: ChatRequest): FaqHit | null {
    if (!p.persona?.useFaq || req.faq === false) return null;
    const last = req.messages.at(-1);
    if (last?.role !== 'user') return null;
    return deps.faq.answer(textOf(last.content));
  }

  /**
   * Resolves once a provider has sent its first token (or the FAQ answered); rejects with a typed
   * error when the route is unknown, a limit refuses, the provider rejects the request, or no
   * provider could answer. See docs/llm.md.
   */
  async function chat(req: ChatRequest): Promise<ChatStream> {
    const startedAt = performance.now();
    const p = await plan(req);
    const hit = faqHit(p, req);
    if (hit) return faqStream(hit, p, req, startedAt);
    const candidates = await applyLimits(p, req);
    const attempts: AttemptReport[] = [];
    try {
      const committed = await connect(candidates, p, req, attempts);
      return liveStream(committed, p, req, attempts, startedAt);
    } catch (error) {
      if (!(error instanceof ChatAbortedError)) recordFailure(p, req, attempts, startedAt);
      throw error;
    }
  }

  async function connect(candidates: Candidate[], p: Plan, req: ChatRequest, attempts: AttemptReport[]) {
    const busy: Candidate[] = [];
    for (const candidate of candidates) {
      if (!candidate.handle.semaphore.tryAcquire()) {
        attempts.push(report(candidate, 'skipped_busy', 0));
        busy.push(candidate);
        continue;
      }
      const committed = await tryCandidate(candidate, p, req, attempts);
      if (committed) return committed;
    }
    for (const candidate of busy) {
      const wait = anySignal(req.signal, AbortSignal.timeout(candidate.handle.record.timeoutMs));
      if (!(await candidate.handle.semaphore.acquire(wait))) continue;
      const committed = await tryCandidate(candidate, p, req, attempts);
      if (committed) return committed;
    }
    if (req.signal?.aborted) throw new ChatAbortedError();
    throw new LlmUnavailableError(attempts);
  }

  async function tryCandidate(candidate: Candidate, p: Plan, req: ChatRequest, attempts: AttemptReport[]) {
    const { breaker, semaphore, record } = candidate.handle;
    if (!breaker.tryPass()) {
      semaphore.release();
      attempts.push(report(candidate, 'skipped_cooldown', 0));
      deps.metrics.attempt(record.name, 'skipped_cooldown');
      return null;
    }
    const startedAt = performance.now();
    const opened = await open(candidate, p, req.signal);
    const durationMs = performance.now() - startedAt;
    if (!(opened instanceof ProviderFailure)) {
      breaker.success();
      deps.metrics.breaker(record.name, 'closed');
      attempts.push(report(candidate, 'ok', durationMs));
      deps.metrics.attempt(record.name, 'ok');
      return opened;
    }
    semaphore.release();
    attempts.push({
      ...report(candidate, opened.kind, durationMs),
      ...(opened.status ? { status: opened.status } : {}),
    });
    deps.metrics.attempt(record.name, opened.kind);
    return settleFailure(candidate, opened);
  }

  function settleFailure(candidate: Candidate, failure: ProviderFailure): null {
    const { breaker, record } = candidate.handle;
    if (failure.kind === 'aborted') {
      breaker.release();
      throw new ChatAbortedError();
    }
    if (failure.kind === 'bad_request') {
      breaker.success();
      throw new UpstreamRejectedError(`The model provider rejected the request: ${failure.message}`, failure);
    }
    breaker.failure();
    deps.metrics.breaker(record.name, breaker.status());
    return null;
  }

  /** Starts the upstream stream and reads up to its first real token. */
  async function open(candidate: Candidate, p: Plan, clientSignal?: AbortSignal): Promise<Committed | ProviderFailure> {
    const started = performance.now();
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(CLIENT_ABORT);
    if (clientSignal?.aborted) onClientAbort();
    clientSignal?.addEventListener('abort', onClientAbort, { once: true });
    const detach = () => clientSignal?.removeEventListener('abort', onClientAbort);
    const timer = setTimeout(() => controller.abort(TIMEOUT), candidate.handle.record.timeoutMs);
    const upstream = candidate.handle.client.stream({ ...p.request, model: candidate.model }, controller.signal);
    const iterator = upstream[Symbol.asyncIterator]();
    const pending: ProviderEvent[] = [];
    try {
      let done = false;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        timer.refresh();
        pending.push(...next.value);
        if (next.value.some(commits)) break;
      }
      return { candidate, iterator, pending, done, controller, timer, detach, ttftMs: performance.now() - started };
    } catch (error) {
      clearTimeout(timer);
      detach();
      return toFailure(error, controller.signal);
    }
  }

  function liveStream(
    c: Committed,
    p: Plan,
    req: ChatRequest,
    attempts: AttemptReport[],
    startedAt: number,
  ): ChatStream {
    const acc = createAccumulator();
    const result = deferred<ChatResult>();
    const meta = streamMeta(p, c.candidate.handle.record.name, c.candidate.model, 'llm');
    const ttftMs = performance.now() - startedAt;
    let finished = false;
    let started = false;

    async function* batches(): AsyncGenerator<ChatDelta[]> {
      started = true;
      let failure: unknown = null;
      try {
        const first = absorbAll(acc, c.pending);
        if (first.length > 0) yield first;
        while (!c.done) {
          const next = await nextBatch(c);
          if (next.done) break;
          const deltas = absorbAll(acc, next.value);
          if (deltas.length > 0) yield deltas;
        }
        finished = true;
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        close(c, finished ? 'ok' : failure === null || isClientAbort(failure) ? 'aborted' : 'error', failure);
      }
    }

    function close(committed: Committed, outcome: 'ok' | 'aborted' | 'error', failure: unknown): void {
      clearTimeout(committed.timer);
      committed.detach();
      if (outcome !== 'ok') committed.controller.abort(CLIENT_ABORT);
      committed.candidate.handle.semaphore.release();
      const final = finalize(meta, p, req, acc, attempts, { ttftMs, startedAt, outcome });
      if (outcome === 'error') result.reject(failure);
      else if (outcome === 'aborted') result.reject(new ChatAbortedError());
      else void final.then(result.resolve, result.reject);
    }

    async function nextBatch(committed: Committed): Promise<IteratorResult<ProviderEvent[]>> {
      try {
        const next = await committed.iterator.next();
        committed.timer.refresh();
        return next;
      } catch (error) {
        const failure = toFailure(error, committed.controller.signal);
        if (failure.kind === 'aborted') throw new ChatAbortedError();
        committed.candidate.handle.breaker.failure();
        throw new StreamFailedError(committed.candidate.handle.record.name, failure);
      }
    }

    const grouped = batches();
    const single = flatten(grouped);
    const cancel = () => {
      if (started) return void grouped.return(undefined);
      started = true;
      void grouped.return(undefined);
      close(c, 'aborted', null);
    };
    return {
      ...meta,
      result: result.promise,
      [Symbol.asyncIterator]: () => single,
      batches: () => grouped,
      cancel,
    };
  }

  function faqStream(hit: FaqHit, p: Plan, req: ChatRequest, startedAt: number): ChatStream {
    const acc = createAccumulator();
    const result = deferred<ChatResult>();
    const meta = streamMeta(p, 'faq', 'faq', 'faq');
    async function* batches(): AsyncGenerator<ChatDelta[]> {
      yield absorbAll(acc, [
        { kind: 'delta', delta: { role: 'assistant', content: hit.answer } },
        { kind: 'delta', delta: { finishReason: 'stop' } },
      ]);
      const final = finalize(meta, p, req, acc, [], {
        ttftMs: performance.now() - startedAt,
        startedAt,
        outcome: 'faq',
      });
      void final.then(result.resolve, result.reject);
    }
    const grouped = batches();
    const single = flatten(grouped);
    return {
      ...meta,
      result: result.promise,
      [Symbol.asyncIterator]: () => single,
      batches: () => grouped,
      cancel: () => void grouped.return(undefined),
    };
  }

  function streamMeta(p: Plan, provider: string, model: string, source: 'llm' | 'faq') {
    return {
      id: `chatcmpl-${newId().replaceAll('-', '')}`,
      route: p.route,
      provider,
      model,
      source,
      created: Math.floor(deps.clock() / 1000),
    };
  }

  async function finalize(
    meta: ReturnType<typeof streamMeta>,
    p: Plan,
    req: ChatRequest,
    acc: Accumulator,
    attempts: AttemptReport[],
    timing: { ttftMs: number; startedAt: number; outcome: 'ok' | 'aborted' | 'error' | 'faq' },
  ): Promise<ChatResult> {
    const durationMs = performance.now() - timing.startedAt;
    const upstream = acc.usage();
    const usage = upstream
      ? { ...upstream, estimated: false }
      : meta.source === 'faq'
        ? { promptTokens: 0, completionTokens: 0, estimated: false }
        : {
            promptTokens: estimateTokens(p.request.messages),
            completionTokens: Math.ceil(acc.content().length / 4),
            estimated: true,
          };
    const costUsd = deps.usage.cost(meta.model, usage);
    deps.usage.record({
      at: deps.clock(),
      route: p.route,
      provider: meta.provider,
      model: meta.model,
      channel: req.channel,
      instanceId: req.instanceId ?? null,
      userId: req.userId ?? null,
      apiKeyId: req.apiKeyId ?? null,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      ttftMs: Math.round(timing.ttftMs),
      durationMs: Math.round(durationMs),
      costUsd,
      attempts: attempts.length,
      outcome: timing.outcome,
    });
    deps.metrics.request({
      route: p.route,
      provider: meta.provider,
      model: meta.model,
      channel: req.channel,
      outcome: timing.outcome,
      ttftMs: timing.ttftMs,
      durationMs,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
    });
    if (req.sessionKey && (timing.outcome === 'ok' || timing.outcome === 'faq')) await remember(req, acc);
    return {
      ...meta,
      content: acc.content(),
      toolCalls: acc.toolCalls(),
      finishReason: acc.finishReason(),
      usage,
      ttftMs: timing.ttftMs,
      durationMs,
      costUsd,
      attempts,
    };
  }

  async function remember(req: ChatRequest, acc: Accumulator): Promise<void> {
    const calls = acc.toolCalls();
    const reply: ChatMessage = {
      role: 'assistant',
      content: acc.content(),
      ...(calls.length ? { tool_calls: calls } : {}),
    };
    try {
      await deps.memory.append(req.sessionKey!, [...req.messages, reply]);
    } catch (error) {
      deps.onError(error, 'memory append failed');
    }
  }

  function recordFailure(p: Plan, req: ChatRequest, attempts: AttemptReport[], startedAt: number): void {
    const durationMs = Math.round(performance.now() - startedAt);
    deps.usage.record({
      at: deps.clock(),
      route: p.route,
      provider: 'none',
      model: 'none',
      channel: req.channel,
      instanceId: req.instanceId ?? null,
      userId: req.userId ?? null,
      apiKeyId: req.apiKeyId ?? null,
      promptTokens: 0,
      completionTokens: 0,
      ttftMs: null,
      durationMs,
      costUsd: 0,
      attempts: attempts.length,
      outcome: 'error',
    });
    deps.metrics.request({
      route: p.route,
      provider: 'none',
      model: 'none',
      channel: req.channel,
      outcome: 'error',
      ttftMs: null,
      durationMs,
      promptTokens: 0,
      completionTokens: 0,
    });
  }

  /** Routes a caller may name in `model`: personas, `auto`, and every provider model. */
  function catalog(): Array<{ id: string; ownedBy: string; created: number }> {
    const personas = deps.personas
      .list()
      .map((p) => ({ id: p.slug, ownedBy: 'persona', created: Math.floor(p.createdAt / 1000) }));
    const seen = new Set<string>(personas.map((p) => p.id));
    const models = [{ id: 'auto', ownedBy: 'router', created: 0 }];
    for (const h of deps.registry.handles().filter((x) => x.record.enabled)) {
      for (const model of h.record.models) {
        if (seen.has(model)) continue;
        seen.add(model);
        models.push({ id: model, ownedBy: h.record.name, created: Math.floor(h.record.createdAt / 1000) });
      }
    }
    return [...personas, ...models];
  }

  return { chat, complete: async (req: ChatRequest) => collect(await chat(req)), catalog, knowsRoute };
}

export type LlmRouter = ReturnType<typeof createLlmRouter>;

/** Drains a stream and returns its result (non-streaming callers). */
export async function collect(stream: ChatStream): Promise<ChatResult> {
  for await (const _delta of stream) {
    // draining
  }
  return stream.result;
}

function commits(event: ProviderEvent): boolean {
  if (event.kind !== 'delta') return false;
  const d = event.delta;
  return Boolean(d.content) || Boolean(d.toolCalls?.length) || d.finishReason !== undefined;
}

function toFailure(error: unknown, signal: AbortSignal): ProviderFailure {
  if (signal.reason === TIMEOUT)
    return new ProviderFailure('timeout', 'the provider did not answer in time', { cause: error });
  if (signal.reason === CLIENT_ABORT)
    return new ProviderFailure('aborted', 'cancelled by the caller', { cause: error });
  if (error instanceof ProviderFailure) return error;
  return new ProviderFailure('connection', error instanceof Error ? error.message : 'provider failed', {
    cause: error,
  });
}

function isClientAbort(error: unknown): boolean {
  return error instanceof ChatAbortedError;
}

function report(candidate: Candidate, outcome: AttemptReport['outcome'], durationMs: number): AttemptReport {
  return {
    provider: candidate.handle.record.name,
    model: candidate.model,
    outcome,
    durationMs: Math.round(durationMs),
  };
}

function limitMessage(limit: LimitRecord): string {
  const what = { route: 'route', instance: 'channel instance', api_key: 'API key' }[limit.scope];
  return `The daily ${limit.metric.replace('_', ' ')} limit (${limit.dailyMax}) of this ${what} is used up`;
}

function dropNulls(values: Record<string, number | null>): SamplingParams {
  const kept: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) if (value !== null) kept[key] = value;
  return kept;
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
