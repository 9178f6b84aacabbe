export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM` local times; `close` is exclusive (`24:00` = end of day). */
export interface OpenRange {
  open: string;
  close: string;
}

export type WeeklyHours = Record<Weekday, OpenRange[]>;

export interface BusinessSettings {
  businessName: string;
  timezone: string;
  /** null: calls are answered at any time. */
  businessHours: WeeklyHours | null;
  greeting: string;
  defaultLanguage: 'ru' | 'en';
}

export interface SettingsRecord extends BusinessSettings {
  updatedAt: number;
  updatedBy: string | null;
}

export interface SettingsStore {
  load(): Promise<SettingsRecord | null>;
  save(record: SettingsRecord): Promise<void>;
}
