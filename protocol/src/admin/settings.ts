import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** Days of the week in the order the panel shows them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const ClockTime = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'Local time HH:MM (24:00 = end of day)',
});

export const OpenRange = StrictObject({ open: ClockTime, close: ClockTime });
export type OpenRange = Static<typeof OpenRange>;

const DayRanges = Type.Array(OpenRange, { maxItems: 4, description: 'Open ranges of the day; empty = closed' });

export const WeeklyHours = StrictObject({
  mon: DayRanges,
  tue: DayRanges,
  wed: DayRanges,
  thu: DayRanges,
  fri: DayRanges,
  sat: DayRanges,
  sun: DayRanges,
});
export type WeeklyHours = Static<typeof WeeklyHours>;

const settingsFields = {
  businessName: Type.String({
    maxLength: 128,
    description: 'Fills {business_name}; empty = each persona keeps its own',
  }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Moscow' }),
  businessHours: Type.Union([WeeklyHours, Type.Null()], { description: 'null = calls are answered at any time' }),
  greeting: Type.String({ maxLength: 500, description: 'What the secretary says first on a call; empty = built in' }),
  defaultLanguage: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
};

/** PUT /api/settings: the whole set (admin only). */
export const UpdateSettingsRequest = StrictObject(settingsFields);
export type UpdateSettingsRequest = Static<typeof UpdateSettingsRequest>;

/** GET /api/settings: the values in force (saved ones, else the environment's defaults). */
export const SettingsView = StrictObject({
  ...settingsFields,
  saved: Type.Boolean({ description: 'False while the environment defaults are in force' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type SettingsView = Static<typeof SettingsView>;
