/** Whose data: a phone number (calls, SMS, taken messages), a Telegram user, a Discord user, a widget visitor. */
export type ContactKind = 'phone' | 'telegram' | 'discord' | 'widget';
export const CONTACT_KINDS: readonly ContactKind[] = ['phone', 'telegram', 'discord', 'widget'];

export interface ContactRef {
  kind: ContactKind;
  /** Normalised: a phone number with only digits and a leading `+`; numeric ids for Telegram and Discord. */
  id: string;
}

/** What retention deletes after N days; null keeps it forever. */
export interface RetentionSettings {
  recordingsDays: number | null;
  transcriptsDays: number | null;
  smsDays: number | null;
  chatDays: number | null;
}
export type RetentionKind = keyof RetentionSettings;
export const RETENTION_KINDS: readonly RetentionKind[] = ['recordingsDays', 'transcriptsDays', 'smsDays', 'chatDays'];

export const KEEP_FOREVER: RetentionSettings = {
  recordingsDays: null,
  transcriptsDays: null,
  smsDays: null,
  chatDays: null,
};

/** One table's (or one file set's) share of a contact's data. */
export interface ContactData {
  rows: Array<Record<string, unknown>>;
  /** DATA_DIR-relative paths of files that belong to these rows (recordings, voice messages). */
  files: string[];
}

/** What one erase or retention step removed: row counts and the files to delete once the rows are gone. */
export interface Removed {
  rows: number;
  files: string[];
}

/**
 * Where some kind of personal data lives. Each feature that stores it provides one: the privacy service asks
 * every source, so a new table is covered by adding its source to the list.
 */
export interface PrivacySource {
  /** The name in exports and results, e.g. `gsm_calls`. */
  readonly name: string;
  readonly kinds: readonly ContactKind[];
  collect(contact: ContactRef): Promise<ContactData>;
  erase(contact: ContactRef): Promise<Removed>;
  /** Deletes (or blanks) what is older than the cutoff, for the retention kinds this source holds. */
  expire?(kind: RetentionKind, cutoffMs: number): Promise<Removed>;
}

export interface ContactExport {
  contact: ContactRef;
  exportedAt: string;
  sources: Record<string, Array<Record<string, unknown>>>;
  files: Array<{ path: string; size: number; base64: string }>;
}

export interface EraseResult {
  contact: ContactRef;
  rows: Record<string, number>;
  files: number;
}

export interface RetentionResult {
  ranAt: string;
  rows: Record<string, number>;
  files: number;
}
