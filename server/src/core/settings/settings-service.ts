import { ValidationError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { rangesProblem } from './business-hours.js';
import { WEEKDAYS, type BusinessSettings, type SettingsRecord, type SettingsStore } from './types.js';

export interface SettingsServiceDeps {
  store: SettingsStore;
  clock: Clock;
  /** The values in force until an admin saves settings (from the environment). */
  defaults: BusinessSettings;
}

/** What the rest of the server reads: the values in force and whether they were saved. */
export interface BusinessSettingsSnapshot extends BusinessSettings {
  saved: boolean;
  updatedAt: number | null;
}

const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** True for IANA names the runtime knows (`Europe/Moscow`, `UTC`); offsets and abbreviations are refused. */
export function isIanaTimeZone(zone: string): boolean {
  if (!IANA_NAME.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validate(input: BusinessSettings): BusinessSettings {
  if (!isIanaTimeZone(input.timezone)) {
    throw new ValidationError(`"${input.timezone}" is not a known IANA time zone (e.g. Europe/Moscow)`);
  }
  for (const day of WEEKDAYS) {
    const problem = input.businessHours && rangesProblem(input.businessHours[day]);
    if (problem) throw new ValidationError(`Business hours on ${day}: ${problem}`);
  }
  return { ...input, businessName: input.businessName.trim(), greeting: input.greeting.trim() };
}

/** Business settings (one row): read on every call and chat, so kept in memory after load(). */
export function createSettingsService(deps: SettingsServiceDeps) {
  let saved: SettingsRecord | null = null;

  function current(): BusinessSettingsSnapshot {
    if (saved === null) return { ...deps.defaults, saved: false, updatedAt: null };
    const { updatedBy: _by, updatedAt, ...values } = saved;
    return { ...values, saved: true, updatedAt };
  }

  return {
    async load(): Promise<void> {
      saved = await deps.store.load();
    },
    current,
    async update(input: BusinessSettings, actorId: string | null): Promise<BusinessSettingsSnapshot> {
      const record: SettingsRecord = { ...validate(input), updatedAt: deps.clock(), updatedBy: actorId };
      await deps.store.save(record);
      saved = record;
      return current();
    },
    /** Persona variables the settings override (only once saved; an empty name leaves the persona's). */
    personaVariables(): { businessName?: string; timezone?: string } {
      if (saved === null) return {};
      return { ...(saved.businessName ? { businessName: saved.businessName } : {}), timezone: saved.timezone };
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
