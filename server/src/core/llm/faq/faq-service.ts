import { NotFoundError, ValidationError } from '../../../errors.js';
import type { Clock } from '../../clock.js';
import { newId } from '../../ids.js';
import type { FaqRecord, FaqStore } from '../records.js';
import { createFaqMatcher, type FaqMatch } from './matcher.js';

export type FaqInput = Pick<FaqRecord, 'questions' | 'answer' | 'language' | 'enabled'>;

export interface FaqHit extends FaqMatch {
  answer: string;
}

/** FAQ entries live in memory with a prebuilt matcher; hits are counted in the database. */
export function createFaqService(deps: {
  store: FaqStore;
  clock: Clock;
  threshold: number;
  onError: (e: unknown) => void;
}) {
  let entries: FaqRecord[] = [];
  let matcher = createFaqMatcher([], deps.threshold);

  async function reload(): Promise<void> {
    entries = (await deps.store.list()).sort((a, b) => a.createdAt - b.createdAt);
    matcher = createFaqMatcher(
      entries.filter((e) => e.enabled),
      deps.threshold,
    );
  }

  function get(id: string): FaqRecord {
    const entry = entries.find((e) => e.id === id);
    if (!entry) throw new NotFoundError('FAQ entry');
    return entry;
  }

  function check(input: Partial<FaqInput>): void {
    if (input.questions && input.questions.every((q) => q.trim() === '')) {
      throw new ValidationError('An FAQ entry needs at least one question');
    }
  }

  async function create(input: FaqInput): Promise<FaqRecord> {
    check(input);
    const now = deps.clock();
    const record: FaqRecord = { ...input, id: newId(), hits: 0, createdAt: now, updatedAt: now };
    await deps.store.insert(record);
    await reload();
    return record;
  }

  async function update(id: string, patch: Partial<FaqInput>): Promise<FaqRecord> {
    get(id);
    check(patch);
    await deps.store.update(id, { ...patch, updatedAt: deps.clock() });
    await reload();
    return get(id);
  }

  async function remove(id: string): Promise<void> {
    get(id);
    await deps.store.remove(id);
    await reload();
  }

  /** Looks for an instant answer without counting it (admin "test" endpoint). */
  function lookup(text: string): FaqHit | null {
    const match = matcher.match(text);
    return match ? { ...match, answer: get(match.id).answer } : null;
  }

  /** Looks for an instant answer and counts the hit. */
  function answer(text: string): FaqHit | null {
    const hit = lookup(text);
    if (hit) {
      const entry = get(hit.id);
      entry.hits += 1;
      deps.store.addHits(hit.id, 1).catch(deps.onError);
    }
    return hit;
  }

  return { reload, create, update, remove, get, lookup, answer, list: () => entries };
}

export type FaqService = ReturnType<typeof createFaqService>;
