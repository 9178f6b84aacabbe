import type { FaqView, LimitView, PersonaView, PriceView, ProviderView } from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { ProviderHandle } from '../../../core/llm/provider-registry.js';
import type { FaqRecord, LimitRecord, PersonaRecord, PriceRecord } from '../../../core/llm/records.js';

export function toProviderView(handle: ProviderHandle): ProviderView {
  const { apiKeySealed, createdAt, updatedAt, ...rest } = handle.record;
  return {
    ...rest,
    apiKeySet: apiKeySealed !== null,
    health: handle.breaker.status(),
    inFlight: handle.semaphore.active(),
    createdAt: toIso(createdAt),
    updatedAt: toIso(updatedAt),
  };
}

export function toPersonaView(p: PersonaRecord): PersonaView {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}

export function toFaqView(f: FaqRecord): FaqView {
  return { ...f, createdAt: toIso(f.createdAt), updatedAt: toIso(f.updatedAt) };
}

export function toLimitView(l: LimitRecord & { used: number }): LimitView {
  return { ...l, createdAt: toIso(l.createdAt) };
}

export function toPriceView(p: PriceRecord): PriceView {
  return { ...p, updatedAt: toIso(p.updatedAt) };
}

export const errors = (schema: unknown) => ({ 400: schema, 401: schema, 403: schema, 404: schema, 409: schema });
