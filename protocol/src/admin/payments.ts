import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** `XTR`: Telegram Stars; `RUB`: card payments through a provider token, or a YooMoney wallet. */
export const ProductCurrency = Type.Union([Type.Literal('XTR'), Type.Literal('RUB')]);
export type ProductCurrency = Static<typeof ProductCurrency>;

const ProductFields = {
  /** Telegram shows 1–32 characters as the invoice's title. */
  title: Type.String({ minLength: 1, maxLength: 32 }),
  description: Type.String({ minLength: 1, maxLength: 255 }),
  /** In the currency's smallest unit: Stars for XTR, kopecks for RUB (49900 = 499 ₽). */
  price: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  currency: ProductCurrency,
  /** A 30-day subscription (Stars only: Telegram renews it monthly). */
  subscription: Type.Boolean(),
  /** Off: offers no longer sell it; pre-checkouts of its invoices are refused. */
  active: Type.Boolean(),
};

export const CreateProductRequest = StrictObject({
  title: ProductFields.title,
  description: ProductFields.description,
  price: ProductFields.price,
  currency: ProductFields.currency,
  subscription: Type.Optional(ProductFields.subscription),
  active: Type.Optional(ProductFields.active),
});
export type CreateProductRequest = Static<typeof CreateProductRequest>;

export const UpdateProductRequest = StrictObject({
  title: Type.Optional(ProductFields.title),
  description: Type.Optional(ProductFields.description),
  price: Type.Optional(ProductFields.price),
  currency: Type.Optional(ProductFields.currency),
  subscription: Type.Optional(ProductFields.subscription),
  active: Type.Optional(ProductFields.active),
});
export type UpdateProductRequest = Static<typeof UpdateProductRequest>;

export const ProductView = StrictObject({
  id: Type.String(),
  botId: Type.String(),
  ...ProductFields,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ProductView = Static<typeof ProductView>;

/** Per bot: the card provider token and the YooMoney wallet (secrets write-only, hints shown). */
export const PaymentSettingsView = StrictObject({
  botId: Type.String(),
  /** The provider token's first and last characters; null: no card payments. */
  providerTokenHint: Type.Union([Type.String(), Type.Null()]),
  /** YooMoney wallet number that receives quickpay payments; null: no YooMoney. */
  yoomoneyWallet: Type.Union([Type.String(), Type.Null()]),
  /** Whether a notification secret is set (without one every notification is refused). */
  yoomoneySecretSet: Type.Boolean(),
  /** Where YooMoney must send its HTTP notifications (relative to this server's address). */
  yoomoneyNotificationPath: Type.String(),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type PaymentSettingsView = Static<typeof PaymentSettingsView>;

export const UpdatePaymentSettingsRequest = StrictObject({
  /** A payment provider token from @BotFather (e.g. YooKassa's); null removes it. */
  providerToken: Type.Optional(Type.Union([Type.String({ minLength: 8, maxLength: 500 }), Type.Null()])),
  yoomoneyWallet: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{11,20}$' }), Type.Null()])),
  /** The notification secret from YooMoney's HTTP-notification settings; null removes it. */
  yoomoneySecret: Type.Optional(Type.Union([Type.String({ minLength: 8, maxLength: 200 }), Type.Null()])),
});
export type UpdatePaymentSettingsRequest = Static<typeof UpdatePaymentSettingsRequest>;

export const PaymentMethod = Type.Union([Type.Literal('stars'), Type.Literal('card'), Type.Literal('yoomoney')]);
export type PaymentMethod = Static<typeof PaymentMethod>;

/** `paid`; `refunded`; `underpaid` (a YooMoney transfer below the product's price: money kept, nothing granted). */
export const PaymentStatus = Type.Union([Type.Literal('paid'), Type.Literal('refunded'), Type.Literal('underpaid')]);
export type PaymentStatus = Static<typeof PaymentStatus>;

export const PaymentView = StrictObject({
  id: Type.String(),
  botId: Type.String(),
  method: PaymentMethod,
  /** `telegram_payment_charge_id` (Stars, card) or YooMoney's `operation_id`. */
  chargeId: Type.String(),
  providerChargeId: Type.Union([Type.String(), Type.Null()]),
  productId: Type.Union([Type.String(), Type.Null()]),
  productTitle: Type.String(),
  chatId: Type.Union([Type.Integer(), Type.Null()]),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  userName: Type.Union([Type.String(), Type.Null()]),
  /** Smallest unit of `currency`. */
  amount: Type.Integer(),
  currency: Type.String(),
  status: PaymentStatus,
  subscriptionExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  paidAt: Type.String({ format: 'date-time' }),
  refundedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type PaymentView = Static<typeof PaymentView>;

export const PaymentTotal = StrictObject({
  productId: Type.Union([Type.String(), Type.Null()]),
  productTitle: Type.String(),
  currency: Type.String(),
  count: Type.Integer(),
  /** Paid, not refunded. */
  amount: Type.Integer(),
  refunded: Type.Integer(),
});
export type PaymentTotal = Static<typeof PaymentTotal>;

export const PaymentListQuery = StrictObject({
  botId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  productId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  method: Type.Optional(PaymentMethod),
  status: Type.Optional(PaymentStatus),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
});
export type PaymentListQuery = Static<typeof PaymentListQuery>;

export const PaymentList = StrictObject({
  items: Type.Array(PaymentView),
  totals: Type.Array(PaymentTotal),
});
export type PaymentList = Static<typeof PaymentList>;

export const QuickpayLinkView = StrictObject({ url: Type.String(), label: Type.String() });
export type QuickpayLinkView = Static<typeof QuickpayLinkView>;
