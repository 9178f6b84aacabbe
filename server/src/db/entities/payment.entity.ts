import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  PaymentMethod,
  PaymentRecord,
  PaymentSettingsRecord,
  PaymentStatus,
  ProductCurrency,
  ProductRecord,
} from '../../core/payments/types.js';
import { epochMs } from '../columns.js';

@Entity({ name: 'telegram_products' })
@Index(['botId', 'createdAt'])
export class ProductEntity implements ProductRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ type: 'varchar', length: 32 })
  title!: string;

  @Column({ type: 'varchar', length: 255 })
  description!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  price!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: ProductCurrency;

  @Column({ type: 'boolean' })
  subscription!: boolean;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

@Entity({ name: 'telegram_payments' })
@Index(['method', 'chargeId'], { unique: true })
@Index(['botId', 'paidAt'])
export class PaymentEntity implements PaymentRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ type: 'varchar', length: 16 })
  method!: PaymentMethod;

  @Column({ name: 'charge_id', type: 'varchar', length: 255 })
  chargeId!: string;

  @Column({ name: 'provider_charge_id', type: 'varchar', length: 255, nullable: true })
  providerChargeId!: string | null;

  @Column({ name: 'product_id', type: 'varchar', length: 36, nullable: true })
  productId!: string | null;

  @Column({ name: 'product_title', type: 'varchar', length: 100 })
  productTitle!: string;

  @Column({ name: 'chat_id', type: 'bigint', nullable: true, transformer: epochMs })
  chatId!: number | null;

  @Column({ name: 'user_id', type: 'bigint', nullable: true, transformer: epochMs })
  userId!: number | null;

  @Column({ name: 'user_name', type: 'varchar', length: 256, nullable: true })
  userName!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PaymentStatus;

  @Column({ name: 'subscription_expires_at', type: 'bigint', nullable: true, transformer: epochMs })
  subscriptionExpiresAt!: number | null;

  @Column({ name: 'paid_at', type: 'bigint', transformer: epochMs })
  paidAt!: number;

  @Column({ name: 'refunded_at', type: 'bigint', nullable: true, transformer: epochMs })
  refundedAt!: number | null;

  @Column({ name: 'refunded_by', type: 'varchar', length: 100, nullable: true })
  refundedBy!: string | null;
}

@Entity({ name: 'telegram_payment_settings' })
export class PaymentSettingsEntity implements PaymentSettingsRecord {
  @PrimaryColumn({ name: 'bot_id', type: 'varchar', length: 36 })
  botId!: string;

  @Column({ name: 'provider_token_sealed', type: 'text', nullable: true })
  providerTokenSealed!: string | null;

  @Column({ name: 'provider_token_hint', type: 'varchar', length: 32, nullable: true })
  providerTokenHint!: string | null;

  @Column({ name: 'yoomoney_wallet', type: 'varchar', length: 20, nullable: true })
  yoomoneyWallet!: string | null;

  @Column({ name: 'yoomoney_secret_sealed', type: 'text', nullable: true })
  yoomoneySecretSealed!: string | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt!: number;
}

export const PAYMENT_ENTITIES = [ProductEntity, PaymentEntity, PaymentSettingsEntity];
