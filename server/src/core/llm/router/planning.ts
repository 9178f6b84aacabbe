import { LlmUnavailableError, UnknownModelError } from '../../../errors.js';
import type { ChatMessage, SamplingParams } from '../types.js';
import type { Candidate, ChatCall, ChatRequest, Plan, RouterDeps } from './types.js';

type PlanningDeps = Pick<RouterDeps, 'registry' | 'personas' | 'memory' | 'clock'>;

/** The enabled providers that serve `target` (`auto`, `<provider>/<model>` or a model name), in priority order. */
export function candidatesFor(registry: RouterDeps['registry'], target: string): Candidate[] {
  const live = registry.handles().filter((h) => h.record.enabled);
  if (target === 'auto') return live.map((h) => ({ handle: h, model: h.record.models[0] ?? '' }));
  const slash = target.indexOf('/');
  const named = slash > 0 ? live.find((h) => h.record.name === target.slice(0, slash)) : undefined;
  if (named) return [{ handle: named, model: target.slice(slash + 1) }];
  return live.filter((h) => h.record.models.includes(target)).map((h) => ({ handle: h, model: target }));
}

export function knowsRoute(deps: Pick<RouterDeps, 'registry' | 'personas'>, target: string): boolean {
  return deps.personas.find(target) !== null || target === 'auto' || candidatesFor(deps.registry, target).length > 0;
}

/** Resolves the route (or throws `UnknownModelError`) and builds the upstream request. */
export async function planChat(deps: PlanningDeps, req: ChatRequest): Promise<Plan> {
  const persona = deps.personas.find(req.route);
  if (!persona && !knowsRoute(deps, req.route)) throw new UnknownModelError(req.route);
  const history = req.sessionKey ? await deps.memory.load(req.sessionKey) : [];
  return {
    route: req.route,
    persona,
    candidates: candidatesFor(deps.registry, persona ? persona.route : req.route),
    request: {
      ...samplingDefaults(persona),
      ...req.sampling,
      messages: [...systemMessages(deps, persona, req), ...history, ...req.messages],
      tools: req.tools,
      toolChoice: req.toolChoice,
      user: req.user,
    },
  };
}

/** The persona prompt and the channel's instructions as ONE system message, persona first. */
function systemMessages(deps: PlanningDeps, persona: Plan['persona'], req: ChatRequest): ChatMessage[] {
  const prompt = [persona ? deps.personas.render(persona, deps.clock()) : '', req.instructions?.trim() ?? '']
    .filter((part) => part !== '')
    .join('\n\n');
  return prompt === '' ? [] : [{ role: 'system', content: prompt }];
}

function samplingDefaults(persona: Plan['persona']): SamplingParams {
  if (!persona) return {};
  return dropNulls({ temperature: persona.temperature, topP: persona.topP, maxTokens: persona.maxTokens });
}

function dropNulls(values: Record<string, number | null>): SamplingParams {
  const kept: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) if (value !== null) kept[key] = value;
  return kept;
}

/** Routes a caller may name in `model`: personas, `auto`, and every provider model. */
export function catalog(deps: Pick<RouterDeps, 'registry' | 'personas'>): Array<{
  id: string;
  ownedBy: string;
  created: number;
}> {
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

/**
 * A local-only persona keeps only the providers marked local; the others are reported as skipped, so the 503 a
 * caller gets (and the voice engine's degraded mode) says why no cloud provider was tried.
 */
export function localOnly(call: ChatCall, candidates: Candidate[]): Candidate[] {
  if (call.plan.persona?.localOnly !== true) return candidates;
  for (const c of candidates)
    if (!c.handle.record.local)
      call.attempts.push({
        provider: c.handle.record.name,
        model: c.model,
        outcome: 'skipped_not_local',
        durationMs: 0,
      });
  const local = candidates.filter((c) => c.handle.record.local);
  if (local.length === 0)
    throw new LlmUnavailableError(
      call.attempts,
      `${call.plan.route} is local only and no enabled local provider serves it; cloud providers are not used for it`,
    );
  return local;
}
