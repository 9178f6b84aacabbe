import { DiscordTokenError, DiscordUnreachableError } from '../../errors.js';
import type { DiscordIdentity } from '../../core/discord/bots-service.js';

interface DiscordUser {
  id: string;
  username: string;
}

async function getMe(apiRoot: string, token: string, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(`${apiRoot}/v10/users/@me`, {
      headers: { authorization: `Bot ${token}`, 'user-agent': 'DiscordBot (ai-secretary, 1)' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new DiscordUnreachableError(error);
  }
}

/** Asks Discord's REST API at `apiRoot` who a token belongs to (GET /users/@me); typed errors for a refused token or no answer. */
export function createDiscordTokenCheck(apiRoot: string, timeoutMs = 15_000) {
  return async (token: string): Promise<DiscordIdentity> => {
    const response = await getMe(apiRoot, token, timeoutMs);
    if (response.status === 401 || response.status === 403)
      throw new DiscordTokenError(`${response.status} ${response.statusText || 'Unauthorized'}`);
    if (!response.ok) throw new DiscordUnreachableError(new Error(`GET /users/@me answered ${response.status}`));
    const me = (await response.json()) as DiscordUser;
    return { id: me.id, username: me.username };
  };
}
