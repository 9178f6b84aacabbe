import { ChildEnv } from '@ai-secretary/protocol';

type Env = Record<string, string | undefined>;

/** How a supervised child finds its orchestrator: what its supervisor put in its environment. */
export interface LinkEnv {
  url: string | undefined;
  credential: string | undefined;
  childId: string | undefined;
  exitOnDisconnect: boolean;
}

/** Reads the `CHILD_*` variables (`ChildEnv`); a worker's config.ts calls it with the env it parses. */
export function linkFromEnv(env: Env): LinkEnv {
  return {
    url: env[ChildEnv.url],
    credential: env[ChildEnv.credential],
    childId: env[ChildEnv.id],
    exitOnDisconnect: env[ChildEnv.exitOnDisconnect] === 'true',
  };
}
