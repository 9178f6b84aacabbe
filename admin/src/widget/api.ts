/** The widget's side of `/api/widget/*` (docs/widget.md): fetch with the token, SSE read from the body. */
export interface WidgetConfig {
  title: string | null;
  greeting: string | null;
  color: string | null;
  position: 'right' | 'left';
  language: 'ru' | 'en';
  businessName: string;
  open: boolean;
  maxMessageChars: number;
  voice: boolean;
}

export interface HistoryItem {
  role: 'user' | 'assistant';
  text: string;
  /** ISO 8601; null for history kept before the server recorded times. */
  at: string | null;
}

/** A refusal the server explained (`{ error: { code, message } }`), or `NETWORK` when no answer could be read. */
export class WidgetApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }
}

type StreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; text: string }
  | { type: 'error'; code: string; message: string; offerMessage: boolean };

export function createWidgetApi(base: string, token: string, visitorId: string) {
  const headers = { authorization: `Bearer ${token}` };

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}/api/widget${path}`, { ...init, headers: { ...headers, ...init.headers } });
    } catch {
      throw new WidgetApiError('NETWORK', 'unreachable', 0);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    const retry = Number(res.headers.get('retry-after'));
    throw new WidgetApiError(
      body?.error?.code ?? 'HTTP_ERROR',
      body?.error?.message ?? res.statusText,
      res.status,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }

  const post = (path: string, body: unknown) =>
    call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  /** A network cut mid-stream rejects the read: `STREAM_CUT`, so the widget can offer to ask again. */
  async function read(reader: ReadableStreamDefaultReader<string>) {
    try {
      return await reader.read();
    } catch {
      throw new WidgetApiError('STREAM_CUT', 'the reply was cut', 0);
    }
  }

  async function* events(res: Response): AsyncGenerator<StreamEvent> {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await read(reader);
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line.startsWith('data: ')) yield JSON.parse(line.slice(6)) as StreamEvent;
      }
    }
  }

  /** Streams the reply through `onDelta`; resolves with the whole text, rejects with a WidgetApiError. */
  async function chat(text: string, onDelta: (text: string) => void): Promise<string> {
    const res = await post('/chat', { visitorId, text });
    for await (const event of events(res)) {
      if (event.type === 'delta') onDelta(event.text);
      else if (event.type === 'done') return event.text;
      else throw new WidgetApiError(event.offerMessage ? 'LLM_UNAVAILABLE' : event.code, event.message, 200);
    }
    throw new WidgetApiError('STREAM_CUT', 'the reply was cut', 0);
  }

  return {
    config: async () => (await (await call('/config')).json()) as WidgetConfig,
    history: async () =>
      ((await (await call(`/history?visitorId=${encodeURIComponent(visitorId)}`)).json()) as { items: HistoryItem[] })
        .items,
    chat,
    leaveMessage: async (form: { name: string; contact: string; text: string }) => {
      await post('/messages', { visitorId, ...form });
    },
  };
}

export type WidgetApi = ReturnType<typeof createWidgetApi>;
