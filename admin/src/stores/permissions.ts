import type { Role } from '@ai-secretary/protocol';

/** Mirrors the server's rules (server/src/http/access.ts); the server still decides. */
export const canWrite = (role: Role | null): boolean => role === 'admin' || role === 'user';
export const isAdmin = (role: Role | null): boolean => role === 'admin';
