import type { Role } from '@ai-secretary/protocol';

export type { Role };

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface UserStore {
  findById(id: string): Promise<UserRecord | null>;
  findByUsername(username: string): Promise<UserRecord | null>;
  list(page: Page): Promise<{ items: UserRecord[]; total: number }>;
  count(): Promise<number>;
  countActiveAdmins(): Promise<number>;
  insert(user: UserRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<UserRecord, 'id'>>): Promise<void>;
  delete(id: string): Promise<void>;
}
