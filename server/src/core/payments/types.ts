import type { PaymentMethod, PaymentStatus, ProductCurrency } from '@ai-secretary/protocol';

export type { PaymentMethod, PaymentStatus, ProductCurrency };

/** Something a bot sells: priced in Stars (XTR) or roubles (RUB, in kopecks). */
export interface ProductRecord {
  id: string;
  botId: string;
  title: string;
  description: string;
  /** Smallest unit of `currency`: Stars, kopecks. */
  price: number;
  currency: ProductCurrency;
  /** A 30-day Stars subscription. */
  subscription: boolean;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ProductStore {
  insert(product: ProductRecord): Promise<void>;
  findById(id: string): Promise<ProductRecord | null>;
  list(botId: string): Promise<ProductRecord[]>;
  update(id: string, patch: Partial<Omit<ProductRecord, 'id' | 'botId'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

/** One payment, keyed by (method, chargeId): the same charge reported twice is one payment. */
export interface PaymentRecord {
  id: string;
  botId: string;
  method: PaymentMethod;
  /** `telegram_payment_charge_id` (Stars, card) or YooMoney's `operation_id`. */
  chargeId: string;
  providerChargeId: string | null;
  /** Null once the product is deleted (its title is kept). */
  productId: string | null;
  productTitle: string;
  chatId: number | null;
  userId: number | null;
  userName: string | null;
  amount: number;
  currency: string;
  status: PaymentStatus;
  subscriptionExpiresAt: number | null;
  paidAt: number;
  refundedAt: number | null;
  refundedBy: string | null;
}

export interface PaymentFilter {
  botId?: string;
  productId?: string;
  method?: PaymentMethod;
  status?: PaymentStatus;
  sinceMs?: number;
  untilMs?: number;
}

export interface PaymentStore {
  /** Inserts unless (method, chargeId) exists; the stored payment either way, and whether this call made it. */
  claim(payment: PaymentRecord): Promise<{ payment: PaymentRecord; created: boolean }>;
  findById(id: string): Promise<PaymentRecord | null>;
  list(filter: PaymentFilter, limit: number): Promise<PaymentRecord[]>;
  /** Sets `refunded` only if it is still `paid`; false when another refund got there first. */
  markRefunded(id: string, at: number, by: string): Promise<boolean>;
  /** Back to `paid` (the refund call failed after the row was marked). */
  unmarkRefunded(id: string): Promise<void>;
}

/** Per bot: how it takes money (secrets sealed with the secret box). */
export interface PaymentSettingsRecord {
  botId: string;
  providerTokenSealed: string | null;
  providerTokenHint: string | null;
  yoomoneyWallet: string | null;
  yoomoneySecretSealed: string | null;
  updatedAt: number;
}

export interface PaymentSettingsStore {
  find(botId: string): Promise<PaymentSettingsRecord | null>;
  save(record: PaymentSettingsRecord): Promise<void>;
}
