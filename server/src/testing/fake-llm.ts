import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local OpenAI-compatible upstream for tests and benchmarks. It speaks the real wire format
 * (SSE `data:` lines, `: keep-alive` comments, `[DONE]`, OpenAI error bodies) and can be told to
 * fail the way real providers do.
 */
/** `error-event`: two tokens, then an OpenAI error object as an SSE event (what vLLM and OpenRouter send mid-stream). */
export type FakeMode = 'ok' | 'error500' | 'error429' | 'error400' | 'hang' | 'cut' | 'error-event' | 'refuse';

export interface FakeRequest {
  body: Record<string, unknown>;
  /** The caller went away before the answer was complete. */
  aborted: boolean;
  completed: boolean;
}

/** A tool call the fake answers with (scripted per request, see `FakeLlm.scriptToolCalls`). */
export interface ScriptedToolCall {
  name: string;
  /** The JSON arguments string, as the model would send it. */
  arguments: string;
}

export interface FakeLlmOptions {
  models?: string[];
  /** Tokens of the reply, sent one per SSE event. */
  tokens?: string[];
  /** Delay between tokens (0 = as fast as possible). */
  tokenDelayMs?: number;
  /** Send a `: keep-alive` comment before the first token. */
  keepAlive?: boolean;
}

export interface FakeLlm {
  /** Base URL ending in /v1, as a provider's baseUrl. */
  url: string;
  port: number;
  mode: FakeMode;
  setMode(mode: FakeMode): Promise<void>;
  /** Arguments the fake returns when it decides to call a tool. */
  toolArguments: string;
  /**
   * With tools offered and no tool result last: true (the default) calls the first tool with `toolArguments`;
   * false answers with text unless a scripted call is queued.
   */
  autoToolCall: boolean;
  /** After a tool result, answer with it ("From our records: …"), the way a model uses a tool's answer. */
  answerFromTools: boolean;
  /** Queues the calls of one answer (several: parallel calls); each request that may call a tool takes one. */
  scriptToolCalls(...calls: ScriptedToolCall[]): void;
  tokens: string[];
  tokenDelayMs: number;
  requests: FakeRequest[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

function sendError(res: http.ServerResponse, status: number, message: string, type: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429) headers['retry-after'] = '1';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

type Message = { role: string; content?: unknown };

function promptTokens(body: Record<string, unknown>): number {
  const messages = (body.messages as Message[] | undefined) ?? [];
  return messages.reduce(
    (n, m) => n + String(typeof m.content === 'string' ? m.content : JSON.stringify(m.content)).split(/\s+/).length,
    0,
  );
}

function mayCallTool(body: Record<string, unknown>): boolean {
  const tools = body.tools as unknown[] | undefined;
  const messages = (body.messages as Message[] | undefined) ?? [];
  return Boolean(tools?.length) && body.tool_choice !== 'none' && messages.at(-1)?.role !== 'tool';
}

export async function createFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const sockets = new Set<Socket>();
  let counter = 0;
  const script: ScriptedToolCall[][] = [];
  const fake: FakeLlm = {
    url: '',
    port: 0,
    mode: 'ok',
    toolArguments: '{"caller":"Ann","message":"call back"}',
    autoToolCall: true,
    answerFromTools: false,
    scriptToolCalls: (...calls) => void script.push(calls),
    tokens: options.tokens ?? ['Hello', ' from', ' the', ' fake', ' model', '.'],
    tokenDelayMs: options.tokenDelayMs ?? 0,
    requests: [],
    connections: 0,
    setMode,
    close,
  };
  const models = options.models ?? ['fake-model'];

  function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null): string {
    const body = {
      id,
      object: 'chat.completion.chunk',
      created: 1,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
    return `data: ${JSON.stringify(body)}\n\n`;
  }

  function textPieces(body: Record<string, unknown>): Array<Record<string, unknown>> {
    const last = ((body.messages as Message[] | undefined) ?? []).at(-1);
    if (fake.answerFromTools && last?.role === 'tool')
      return [{ content: 'From our records: ' }, { content: String(last.content) }];
    return fake.tokens.map((t) => ({ content: t }));
  }

  async function stream(res: http.ServerResponse, body: Record<string, unknown>, record: FakeRequest): Promise<void> {
    const id = `fake-${++counter}`;
    const model = String(body.model);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk(id, model, { role: 'assistant', content: '' }, null));
    if (options.keepAlive !== false) res.write(': keep-alive\n\n');
    const calls = toolCallsFor(body);
    const pieces = calls ? calls.flatMap((call, n) => toolDeltas(call, n)) : textPieces(body);
    for (const [index, piece] of pieces.entries()) {
      if (fake.tokenDelayMs > 0) await sleep(fake.tokenDelayMs);
      if (record.aborted) return;
      if (fake.mode === 'cut' && index === 2) return cut(res);
      if (fake.mode === 'error-event' && index === 2) return errorEvent(res);
      res.write(chunk(id, model, piece, null));
    }
    res.write(chunk(id, model, {}, calls ? 'tool_calls' : 'stop'));
    const usage = { prompt_tokens: promptTokens(body), completion_tokens: pieces.length, total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage)
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
      );
    res.end('data: [DONE]\n\n');
    record.completed = true;
  }

  /** The calls this answer makes (a scripted one first, else the first tool when `autoToolCall`), or null. */
  function toolCallsFor(body: Record<string, unknown>): ScriptedToolCall[] | null {
    if (!mayCallTool(body)) return null;
    const scripted = script.shift();
    if (scripted) return scripted;
    if (!fake.autoToolCall) return null;
    const tools = body.tools as Array<{ function: { name: string } }>;
    return [{ name: tools[0]!.function.name, arguments: fake.toolArguments }];
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'fake' })),
        }),
      );
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return sendError(res, 404, 'not found', 'invalid_request_error');
    const body = await readJson(req);
    const record: FakeRequest = { body, aborted: false, completed: false };
    fake.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    if (fake.mode === 'error500')
      return sendError(res, 500, 'The server had an error while processing your request', 'server_error');
    if (fake.mode === 'error429') return sendError(res, 429, 'Rate limit reached for requests', 'rate_limit_error');
    if (fake.mode === 'error400')
      return sendError(res, 400, "This model's maximum context length is 8 tokens", 'invalid_request_error');
    if (fake.mode === 'hang') return;
    await stream(res, body, record);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    fake.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function listen(port: number): Promise<void> {
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    fake.port = (server.address() as AddressInfo).port;
    fake.url = `http://127.0.0.1:${fake.port}/v1`;
  }

  /** `refuse` stops listening (connections are refused); any other mode listens again on the same port. */
  async function setMode(mode: FakeMode): Promise<void> {
    if (mode === 'refuse' && server.listening) await stopListening();
    if (mode !== 'refuse' && !server.listening) await listen(fake.port);
    fake.mode = mode;
  }

  async function stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  async function close(): Promise<void> {
    if (server.listening) await stopListening();
  }

  await listen(0);
  return fake;
}

/** Lets what was written reach the wire, then drops the connection without finishing the response. */
async function cut(res: http.ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => res.write('', () => resolve()));
  await sleep(20);
  res.socket?.destroy();
}

function splitArguments(args: string): string[] {
  const size = Math.max(1, Math.ceil(args.length / 3));
  return [args.slice(0, size), args.slice(size, 2 * size), args.slice(2 * size)].filter((p) => p !== '');
}

/** One call's streamed fragments: the first names it, the rest carry more of its arguments. */
function toolDeltas(call: ScriptedToolCall, n: number): Array<Record<string, unknown>> {
  return splitArguments(call.arguments || '{}').map((piece, index) => {
    const delta: Record<string, unknown> = { index: n, function: { arguments: piece } };
    if (index === 0)
      Object.assign(delta, {
        id: `call_fake_${n + 1}`,
        type: 'function',
        function: { name: call.name, arguments: piece },
      });
    return { tool_calls: [delta] };
  });
}

/** An error object in the event stream, then the end of the response (no [DONE]). */
function errorEvent(res: http.ServerResponse): void {
  const error = { message: 'The model ran out of memory', type: 'server_error', param: null, code: 'oom' };
  res.end(`data: ${JSON.stringify({ error })}\n\n`);
}
