import { Api, GrammyError } from 'grammy';
import { TelegramTokenError, TelegramUnreachableError } from '../../errors.js';
import type { TelegramIdentity } from '../../core/telegram/bots-service.js';

/** Asks the Bot API at `apiRoot` who a token belongs to (getMe); typed errors for a refused token or no answer. */
export function createTokenCheck(apiRoot: string, timeoutMs = 15_000) {
  return async (token: string): Promise<TelegramIdentity> => {
    const api = new Api(token, { apiRoot, timeoutSeconds: Math.ceil(timeoutMs / 1000) });
    try {
      const me = await api.getMe();
      return { id: me.id, username: me.username };
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
        throw new TelegramTokenError(`${error.error_code} ${error.description}`);
      throw new TelegramUnreachableError(error);
    }
  };
}
