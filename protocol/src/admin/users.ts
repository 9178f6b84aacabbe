import { Type, type Static } from 'typebox';
import { StrictObject, Pagination } from '../common.js';
import { Password, Role, Username } from './auth.js';

export const CreateUserRequest = StrictObject({
  username: Username,
  password: Password,
  displayName: Type.Optional(Type.String({ maxLength: 128 })),
  role: Type.Optional(Role),
});
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const UpdateUserRequest = StrictObject({
  displayName: Type.Optional(Type.String({ maxLength: 128 })),
  role: Type.Optional(Role),
  disabled: Type.Optional(Type.Boolean()),
});
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;

export const SetPasswordRequest = StrictObject({ password: Password });
export type SetPasswordRequest = Static<typeof SetPasswordRequest>;

export const ListQuery = StrictObject({ ...Pagination });
export type ListQuery = Static<typeof ListQuery>;
