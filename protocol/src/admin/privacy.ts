import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

const Days = Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()], {
  description: 'Days to keep; null keeps forever',
});

/** What retention deletes after N days (issue 18, item 6); run daily and on demand. */
export const RetentionSettingsView = StrictObject({
  recordingsDays: Days,
  transcriptsDays: Days,
  smsDays: Days,
  chatDays: Days,
});

export type RetentionSettingsView = Static<typeof RetentionSettingsView>;

export const RetentionRunView = StrictObject({
  ranAt: Type.String({ format: 'date-time' }),
  rows: Type.Record(Type.String(), Type.Integer()),
  files: Type.Integer(),
});

export type RetentionRunView = Static<typeof RetentionRunView>;

export const ContactParams = StrictObject({
  kind: Type.String({ maxLength: 16, description: 'phone, telegram, discord or widget' }),
  id: Type.String({ minLength: 1, maxLength: 128 }),
});

const ContactRefView = StrictObject({ kind: Type.String(), id: Type.String() });

export const ContactEraseView = StrictObject({
  contact: ContactRefView,
  rows: Type.Record(Type.String(), Type.Integer()),
  files: Type.Integer(),
});

export type ContactEraseView = Static<typeof ContactEraseView>;

export const ContactExportView = StrictObject({
  contact: ContactRefView,
  exportedAt: Type.String({ format: 'date-time' }),
  sources: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  files: Type.Array(StrictObject({ path: Type.String(), size: Type.Integer(), base64: Type.String() })),
});
export type ContactExportView = Static<typeof ContactExportView>;
