import type { PaymentSettingsView, PaymentTotal, PaymentView, ProductView } from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { PaymentRecord, PaymentSettingsRecord, ProductRecord } from '../../../core/payments/types.js';

export function toProductView(p: ProductRecord): ProductView {
  const { id, botId, title, description, price, currency, subscription, active } = p;
  return {
    ...{ id, botId, title, description, price, currency, subscription, active },
    ...{ createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) },
  };
}

export function toPaymentView(p: PaymentRecord): PaymentView {
  const { id, botId, method, chargeId, providerChargeId, productId, productTitle, chatId, userId, userName } = p;
  return {
    ...{ id, botId, method, chargeId, providerChargeId, productId, productTitle, chatId, userId, userName },
    ...{ amount: p.amount, currency: p.currency, status: p.status },
    subscriptionExpiresAt: toIso(p.subscriptionExpiresAt),
    paidAt: toIso(p.paidAt),
    refundedAt: toIso(p.refundedAt),
  };
}

export function toSettingsView(s: PaymentSettingsRecord): PaymentSettingsView {
  return {
    botId: s.botId,
    providerTokenHint: s.providerTokenHint,
    yoomoneyWallet: s.yoomoneyWallet,
    yoomoneySecretSet: s.yoomoneySecretSealed !== null,
    yoomoneyNotificationPath: `/api/payments/yoomoney/${s.botId}`,
    updatedAt: s.updatedAt === 0 ? null : toIso(s.updatedAt),
  };
}

/** Per product and currency: how many payments, the money kept (paid, underpaid) and the money refunded. */
export function totalsOf(payments: PaymentRecord[]): PaymentTotal[] {
  const totals = new Map<string, PaymentTotal>();
  for (const p of payments) {
    const key = `${p.productId ?? p.productTitle}:${p.currency}`;
    const total = totals.get(key) ?? {
      ...{ productId: p.productId, productTitle: p.productTitle, currency: p.currency },
      ...{ count: 0, amount: 0, refunded: 0 },
    };
    total.count += 1;
    if (p.status === 'refunded') total.refunded += p.amount;
    else total.amount += p.amount;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.amount - a.amount || a.productTitle.localeCompare(b.productTitle));
}
