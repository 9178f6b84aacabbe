import { LimitExceededError } from '../../../errors.js';
import type { LimitRecord } from '../records.js';
import { candidatesFor } from './planning.js';
import type { Candidate, ChatRequest, Plan, RouterDeps } from './types.js';

type LimitDeps = Pick<RouterDeps, 'usage' | 'registry'>;

/**
 * The candidates a request may use under today's limits: all of them when no limit is reached; the
 * cheaper models when a reached limit downgrades; `LimitExceededError` when one refuses.
 */
export async function applyLimits(deps: LimitDeps, plan: Plan, req: ChatRequest): Promise<Candidate[]> {
  const over = await deps.usage.exceeded({
    route: plan.route,
    instanceId: req.instanceId ?? null,
    apiKeyId: req.apiKeyId ?? null,
    userId: req.userId ?? null,
  });
  if (over.length === 0) return plan.candidates;
  const refusing = over.find((l) => l.action === 'refuse');
  if (refusing) throw new LimitExceededError(limitMessage(refusing));
  const cheaper = cheaperThan(deps, plan.candidates).filter((c) => allowedFallback(c, req.fallbackModels));
  if (cheaper.length === 0)
    throw new LimitExceededError(`${limitMessage(over[0]!)}, and no cheaper model is configured`);
  return cheaper;
}

/** Every priced model cheaper than the route's first choice, most expensive (= next cheaper) first. */
function cheaperThan(deps: LimitDeps, current: Candidate[]): Candidate[] {
  const ceiling = current[0] ? deps.usage.unitPrice(current[0].model) : null;
  if (ceiling === null) return [];
  const all = candidatesFor(deps.registry, 'auto').flatMap((c) =>
    c.handle.record.models.map((model) => ({ handle: c.handle, model })),
  );
  const priced = all
    .map((c) => ({ c, price: deps.usage.unitPrice(c.model) }))
    .filter((x): x is { c: Candidate; price: number } => x.price !== null && x.price < ceiling);
  return priced.sort((a, b) => b.price - a.price).map((x) => x.c);
}

function allowedFallback(candidate: Candidate, allowed: string[] | undefined): boolean {
  if (!allowed) return true;
  return allowed.includes(candidate.model) || allowed.includes(`${candidate.handle.record.name}/${candidate.model}`);
}

function limitMessage(limit: LimitRecord): string {
  const what = { route: 'route', instance: 'channel instance', api_key: 'API key', instance_user: 'user' }[limit.scope];
  return `The daily ${limit.metric.replace('_', ' ')} limit (${limit.dailyMax}) of this ${what} is used up`;
}
