import { badRequest } from './wire.js';

export type Params = Record<string, unknown>;

export function optionalInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

export function requireInt(params: Params, name: string, missing = `${name} is empty`): number {
  const value = optionalInt(params, name);
  if (value === undefined) throw badRequest(missing);
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function requireString(params: Params, name: string, missing: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw badRequest(missing);
  return value;
}

/** Structured parameters arrive as objects in JSON bodies and as JSON strings in form bodies. */
export function optionalObject(params: Params, name: string): unknown {
  const value = params[name];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`can't parse ${name} JSON object`);
  }
}

export const requireChatId = (params: Params) => requireInt(params, 'chat_id', 'chat_id is empty');
