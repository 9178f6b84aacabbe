import type { OpenRange, SettingsView, UpdateSettingsRequest, WeeklyHours } from '@ai-secretary/protocol';

/** Copied from the protocol (a value import would bundle TypeBox). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface SettingsDraft {
  businessName: string;
  timezone: string;
  greeting: string;
  defaultLanguage: 'ru' | 'en';
  alwaysOpen: boolean;
  hours: WeeklyHours;
}

const OFFICE_DAY: OpenRange = { open: '09:00', close: '18:00' };

/** Mon–Fri 09:00–18:00: what the editor offers when hours are first turned on. */
export function officeWeek(): WeeklyHours {
  const day = (open: boolean) => (open ? [{ ...OFFICE_DAY }] : []);
  return {
    mon: day(true),
    tue: day(true),
    wed: day(true),
    thu: day(true),
    fri: day(true),
    sat: day(false),
    sun: day(false),
  };
}

/** A plain copy (the draft is a reactive proxy, which structuredClone refuses). */
function copyWeek(hours: WeeklyHours): WeeklyHours {
  const copy = (day: Weekday) => hours[day].map(({ open, close }) => ({ open, close }));
  return {
    mon: copy('mon'),
    tue: copy('tue'),
    wed: copy('wed'),
    thu: copy('thu'),
    fri: copy('fri'),
    sat: copy('sat'),
    sun: copy('sun'),
  };
}

export function toDraft(view: SettingsView): SettingsDraft {
  const hours = view.businessHours;
  return {
    businessName: view.businessName,
    timezone: view.timezone,
    greeting: view.greeting,
    defaultLanguage: view.defaultLanguage,
    alwaysOpen: hours === null,
    hours: hours ? copyWeek(hours) : officeWeek(),
  };
}

export function toRequest(draft: SettingsDraft): UpdateSettingsRequest {
  return {
    businessName: draft.businessName.trim(),
    timezone: draft.timezone.trim(),
    greeting: draft.greeting.trim(),
    defaultLanguage: draft.defaultLanguage,
    businessHours: draft.alwaysOpen ? null : copyWeek(draft.hours),
  };
}

/** The time zones this browser knows, for suggestions (the server decides). */
export function knownTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf ? ['UTC', ...intl.supportedValuesOf('timeZone')] : ['UTC'];
}
