import { ConflictError, NotFoundError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import type { PersonaRecord, PersonaStore } from './records.js';

export type PersonaInput = Omit<PersonaRecord, 'id' | 'createdAt' | 'updatedAt'>;

const DEFAULT_PERSONAS: PersonaInput[] = [
  {
    slug: 'secretary',
    name: 'Secretary (English)',
    language: 'en',
    systemPrompt:
      'You are the friendly secretary of {business_name}. Today is {weekday}, {date}; the time is {time} ({timezone}). ' +
      'Answer briefly and politely, take messages for staff, and never invent facts about the business. ' +
      'If you do not know something, offer to take a message.',
    route: 'auto',
    businessName: 'our company',
    timezone: 'UTC',
    temperature: 0.3,
    topP: null,
    maxTokens: 512,
    useFaq: true,
    localOnly: false,
  },
  {
    slug: 'secretary-ru',
    name: 'Секретарь (русский)',
    language: 'ru',
    systemPrompt:
      'Вы — вежливый секретарь компании {business_name}. Сегодня {weekday}, {date}; сейчас {time} ({timezone}). ' +
      'Отвечайте кратко и доброжелательно, принимайте сообщения для сотрудников и не выдумывайте факты о компании. ' +
      'Если не знаете ответа, предложите оставить сообщение.',
    route: 'auto',
    businessName: 'наша компания',
    timezone: 'Europe/Moscow',
    temperature: 0.3,
    topP: null,
    maxTokens: 512,
    useFaq: true,
    localOnly: false,
  },
];

/** Business-wide values (the Settings page) that replace the persona's own. */
export interface PersonaVariableOverrides {
  businessName?: string;
  timezone?: string;
}

/** Fills `{date}`, `{time}`, `{weekday}`, `{business_name}`, `{timezone}` in the persona's language and zone. */
export function renderPersonaPrompt(
  persona: PersonaRecord,
  nowMs: number,
  overrides: PersonaVariableOverrides = {},
): string {
  const at = new Date(nowMs);
  const zone = safeZone(overrides.timezone ?? persona.timezone);
  const locale = persona.language || 'en';
  const fmt = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }).format(at);
  const values: Record<string, string> = {
    date: fmt({ year: 'numeric', month: 'long', day: 'numeric' }),
    time: fmt({ hour: '2-digit', minute: '2-digit', hour12: false }),
    weekday: fmt({ weekday: 'long' }),
    business_name: overrides.businessName ?? persona.businessName,
    timezone: zone,
  };
  return persona.systemPrompt.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** Personas are few and read on every request, so they live in memory after the first load. */
export function createPersonasService(deps: {
  store: PersonaStore;
  clock: Clock;
  /** Read on every render: business settings that override persona variables. */
  overrides?: () => PersonaVariableOverrides;
}) {
  let bySlug = new Map<string, PersonaRecord>();

  async function reload(): Promise<void> {
    bySlug = new Map((await deps.store.list()).map((p) => [p.slug, p]));
  }

  async function seedDefaults(): Promise<void> {
    if (bySlug.size > 0) return;
    for (const persona of DEFAULT_PERSONAS) await create(persona);
  }

  function byId(id: string): PersonaRecord {
    const found = [...bySlug.values()].find((p) => p.id === id);
    if (!found) throw new NotFoundError('Persona');
    return found;
  }

  function ensureSlugFree(slug: string, id: string | null): void {
    const other = bySlug.get(slug);
    if (other && other.id !== id) throw new ConflictError(`A persona with slug "${slug}" already exists`);
  }

  async function create(input: PersonaInput): Promise<PersonaRecord> {
    ensureSlugFree(input.slug, null);
    const now = deps.clock();
    const record: PersonaRecord = { ...input, id: newId(), createdAt: now, updatedAt: now };
    await deps.store.insert(record);
    await reload();
    return record;
  }

  async function update(id: string, patch: Partial<PersonaInput>): Promise<PersonaRecord> {
    const current = byId(id);
    if (patch.slug !== undefined) ensureSlugFree(patch.slug, id);
    const next = { ...current, ...patch, updatedAt: deps.clock() };
    await deps.store.update(id, { ...patch, updatedAt: next.updatedAt });
    await reload();
    return next;
  }

  async function remove(id: string): Promise<void> {
    byId(id);
    await deps.store.remove(id);
    await reload();
  }

  return {
    reload,
    seedDefaults,
    create,
    update,
    remove,
    get: byId,
    /** The persona's system prompt for `nowMs`, with the business settings applied. */
    render: (persona: PersonaRecord, nowMs: number) => renderPersonaPrompt(persona, nowMs, deps.overrides?.()),
    find: (slug: string) => bySlug.get(slug) ?? null,
    list: () => [...bySlug.values()].sort((a, b) => a.createdAt - b.createdAt),
  };
}

export type PersonasService = ReturnType<typeof createPersonasService>;
