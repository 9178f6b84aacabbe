import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('user'), Type.Literal('guest')]);
export type Role = Static<typeof Role>;
export const ROLES = ['admin', 'user', 'guest'] as const satisfies readonly Role[];

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
export const Password = Type.String({ minLength: 8, maxLength: 256 });

export const LoginRequest = StrictObject({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const UserView = StrictObject({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type UserView = Static<typeof UserView>;

export const TokenResponse = StrictObject({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  refreshToken: Type.String(),
  refreshExpiresIn: Type.Integer(),
  user: UserView,
});
export type TokenResponse = Static<typeof TokenResponse>;

export const RefreshRequest = StrictObject({ refreshToken: Type.String({ minLength: 10, maxLength: 512 }) });
export type RefreshRequest = Static<typeof RefreshRequest>;

export const ChangePasswordRequest = StrictObject({
  currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Password,
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

export const SessionView = StrictObject({
  id: Type.String(),
  userId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export type SessionView = Static<typeof SessionView>;
