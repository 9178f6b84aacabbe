import { Type, type Static } from 'typebox';
import { StrictObject, Pagination } from '../common.js';

export const AuditEntryView = StrictObject({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntryView = Static<typeof AuditEntryView>;

export const AuditQuery = StrictObject({
  ...Pagination,
  actorId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 128, description: 'Prefix match, e.g. "users."' })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
});
export type AuditQuery = Static<typeof AuditQuery>;
