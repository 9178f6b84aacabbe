import type { NoticeSender } from '../../core/notifications/types.js';

export interface HttpSenderOptions {
  /** The HTTP client (the wiring gives one that refuses private addresses not in OUTBOUND_ALLOW). */
  fetch: typeof fetch;
  timeoutMs: number;
}

async function expectOk(response: Response, what: string): Promise<void> {
  const text = await response.text().catch(() => '');
  if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

/** HTTP headers carry Latin-1 only: ntfy decodes RFC 2047 encoded words, so a Cyrillic title survives. */
const headerText = (text: string) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** ntfy: POST the body to `<server>/<topic>` with Title, Priority and Tags headers (optional bearer token). */
export function createNtfySender(options: HttpSenderOptions): NoticeSender {
  return async (target, token, notice) => {
    if (target.settings.kind !== 'ntfy') throw new Error('not an ntfy target');
    const headers: Record<string, string> = {
      title: headerText(notice.title),
      priority: String(notice.priority),
      tags: notice.tags.join(','),
      'content-type': 'text/plain; charset=utf-8',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const url = `${target.settings.url}/${target.settings.topic}`;
    const signal = AbortSignal.timeout(options.timeoutMs);
    await expectOk(await options.fetch(url, { method: 'POST', headers, body: notice.body, signal }), 'ntfy');
  };
}

/** A Discord channel webhook: JSON `content`, no mentions parsed (a caller's text cannot ping anyone). */
export function createDiscordWebhookSender(options: HttpSenderOptions): NoticeSender {
  return async (target, url, notice) => {
    if (url === null) throw new Error('the webhook URL is missing');
    const content = `**${notice.title}**\n${notice.body}`.slice(0, 2000);
    const body = JSON.stringify({ content, allowed_mentions: { parse: [] } });
    const headers = { 'content-type': 'application/json' };
    const signal = AbortSignal.timeout(options.timeoutMs);
    await expectOk(await options.fetch(url, { method: 'POST', headers, body, signal }), 'Discord');
  };
}
