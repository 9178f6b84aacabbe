import type { UpdatePaymentSettingsRequest } from '@ai-secretary/protocol';
import type { SecretBox } from '../secrets/secret-box.js';
import type { PaymentSettingsRecord, PaymentSettingsStore } from './types.js';

const providerContext = (botId: string) => `telegram-bot:${botId}:provider-token`;
const yoomoneyContext = (botId: string) => `telegram-bot:${botId}:yoomoney-secret`;

/** `381764678:TEST:…1234`: enough to tell provider tokens apart. */
export const providerTokenHint = (token: string) => `${token.slice(0, 10)}…${token.slice(-4)}`;

const empty = (botId: string): PaymentSettingsRecord => ({
  botId,
  providerTokenSealed: null,
  providerTokenHint: null,
  yoomoneyWallet: null,
  yoomoneySecretSealed: null,
  updatedAt: 0,
});

/** Per bot: the card provider token and the YooMoney wallet with its notification secret, sealed like bot tokens. */
export function createPaymentSettings(deps: { store: PaymentSettingsStore; secrets: SecretBox; clock: () => number }) {
  const { store, secrets } = deps;
  const get = async (botId: string) => (await store.find(botId)) ?? empty(botId);

  async function update(botId: string, input: UpdatePaymentSettingsRequest): Promise<PaymentSettingsRecord> {
    const record = { ...(await get(botId)), updatedAt: deps.clock() };
    if (input.providerToken !== undefined) {
      const token = input.providerToken?.trim() || null;
      record.providerTokenSealed = token === null ? null : secrets.encrypt(token, providerContext(botId));
      record.providerTokenHint = token === null ? null : providerTokenHint(token);
    }
    if (input.yoomoneyWallet !== undefined) record.yoomoneyWallet = input.yoomoneyWallet;
    if (input.yoomoneySecret !== undefined)
      record.yoomoneySecretSealed =
        input.yoomoneySecret === null ? null : secrets.encrypt(input.yoomoneySecret, yoomoneyContext(botId));
    await store.save(record);
    return record;
  }

  async function providerToken(botId: string): Promise<string | null> {
    const record = await store.find(botId);
    return record?.providerTokenSealed ? secrets.decrypt(record.providerTokenSealed, providerContext(botId)) : null;
  }

  /** The notification secret; null: not configured (every notification is refused). */
  async function yoomoneySecret(botId: string): Promise<string | null> {
    const record = await store.find(botId);
    return record?.yoomoneySecretSealed ? secrets.decrypt(record.yoomoneySecretSealed, yoomoneyContext(botId)) : null;
  }

  return { get, update, providerToken, yoomoneySecret };
}

export type PaymentSettings = ReturnType<typeof createPaymentSettings>;
