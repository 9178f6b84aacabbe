import { Api, GrammyError } from 'grammy';
import { TelegramUnreachableError, UpstreamError } from '../../errors.js';

/** The orchestrator's own Bot API calls for payments (refunds work while the bot's process is stopped). */
export function createPaymentsBotApi(options: { apiRoot: string; tokenOf: (botId: string) => Promise<string> }) {
  const api = async (botId: string) =>
    new Api(await options.tokenOf(botId), { apiRoot: options.apiRoot, timeoutSeconds: 15 });

  /** `refundStarPayment`; Telegram's refusal is an UpstreamError (e.g. CHARGE_ALREADY_REFUNDED), no answer a TelegramUnreachableError. */
  async function refundStars(botId: string, userId: number, chargeId: string): Promise<void> {
    try {
      await (await api(botId)).refundStarPayment(userId, chargeId);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code < 500)
        throw new UpstreamError(`Telegram refused the refund: ${error.description}`, { cause: error });
      throw new TelegramUnreachableError(error);
    }
  }

  return { refundStars };
}
