import type { Role } from '@ai-secretary/protocol';

/** A local copy: importing values from the protocol package would bundle TypeBox into the panel. */
export const ROLES = ['admin', 'user', 'guest'] as const satisfies readonly Role[];
