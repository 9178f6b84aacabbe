import { HttpToolDefinitionError } from '../../errors.js';
import type { HttpToolMethod } from './types.js';

const PLACEHOLDER = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** The argument names a URL template fills in. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Checks a URL template when the tool is saved: http(s), and placeholders only after the host (a model's
 * argument never chooses where the request goes, only the path and query at the admin's chosen address).
 */
export function checkUrlTemplate(template: string, parameters: Record<string, unknown>): URL {
  const probe = template.replace(PLACEHOLDER, 'x');
  let url: URL;
  try {
    url = new URL(probe);
  } catch {
    throw new HttpToolDefinitionError(`urlTemplate "${template}" is not a URL`, 'URL_INVALID');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpToolDefinitionError('urlTemplate must be an http or https URL', 'URL_INVALID');
  if (url.username || url.password)
    throw new HttpToolDefinitionError('urlTemplate must not carry credentials (use a secret header)', 'URL_INVALID');
  const origin = /^https?:\/\/[^/?#]*/i.exec(template)?.[0] ?? '';
  if (/\{[a-zA-Z_]/.test(origin))
    throw new HttpToolDefinitionError(
      'placeholders may appear only in the path and query of urlTemplate',
      'URL_INVALID',
    );
  const properties = (parameters.properties ?? {}) as Record<string, unknown>;
  const missing = placeholders(template).filter((name) => !(name in properties));
  if (missing.length > 0)
    throw new HttpToolDefinitionError(
      `urlTemplate uses {${missing.join('}, {')}}, not in parameters.properties`,
      'URL_INVALID',
    );
  return url;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export interface BuiltRequest {
  url: string;
  body: string | undefined;
}

/**
 * The request for validated arguments: placeholders filled (URL-encoded); the other arguments go in the query
 * string (GET, DELETE) or as a JSON body (POST, PUT, PATCH).
 */
export function buildRequest(method: HttpToolMethod, template: string, args: Record<string, unknown>): BuiltRequest {
  const used = new Set(placeholders(template));
  const url = new URL(
    template.replace(PLACEHOLDER, (_all, name: string) => encodeURIComponent(asText(args[name] ?? ''))),
  );
  const rest = Object.entries(args).filter(([name]) => !used.has(name));
  if (method === 'GET' || method === 'DELETE') {
    for (const [name, value] of rest) url.searchParams.append(name, asText(value));
    return { url: url.href, body: undefined };
  }
  return { url: url.href, body: JSON.stringify(Object.fromEntries(rest)) };
}

/** `data.items.0.name` of a JSON value; undefined when the path does not exist. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.').filter((k) => k !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** What the model reads of a response body: the picked part of a JSON answer, or the text itself. */
export function answerText(body: string, contentType: string | null, responsePath: string | null): string {
  if (responsePath === null || !/json/i.test(contentType ?? '')) return body;
  try {
    const picked = pick(JSON.parse(body), responsePath);
    return picked === undefined ? `(the answer has no "${responsePath}")` : asText(picked);
  } catch {
    return body;
  }
}
