import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './helpers.js';

const bot = (onDelete: 'CASCADE') =>
  new TableForeignKey({
    columnNames: ['bot_id'],
    referencedTableName: 'telegram_bots',
    referencedColumnNames: ['id'],
    onDelete,
  });

/**
 * Payments of the Telegram sales bots: the products each bot sells, the payments (one row per charge: Stars and
 * card charges by `telegram_payment_charge_id`, YooMoney by `operation_id`; kept when the bot or product goes),
 * and each bot's payment settings (the card provider token and the YooMoney secret, sealed).
 */
export class TelegramPayments1765300000000 implements MigrationInterface {
  name = 'TelegramPayments1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'telegram_products',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('title', 32),
          col.varchar('description', 255),
          col.ms('price'),
          col.varchar('currency', 3),
          col.bool('subscription'),
          col.bool('active'),
          col.ms('created_at'),
          col.ms('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['bot_id', 'created_at'] })],
        foreignKeys: [bot('CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_payments',
        columns: [
          col.id(),
          col.varchar('bot_id', 36),
          col.varchar('method', 16),
          col.varchar('charge_id', 255),
          col.varchar('provider_charge_id', 255, true),
          col.varchar('product_id', 36, true),
          col.varchar('product_title', 100),
          col.ms('chat_id', true),
          col.ms('user_id', true),
          col.varchar('user_name', 256, true),
          col.ms('amount'),
          col.varchar('currency', 3),
          col.varchar('status', 16),
          col.ms('subscription_expires_at', true),
          col.ms('paid_at'),
          col.ms('refunded_at', true),
          col.varchar('refunded_by', 100, true),
        ],
        indices: [
          new TableIndex({ columnNames: ['method', 'charge_id'], isUnique: true }),
          new TableIndex({ columnNames: ['bot_id', 'paid_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['product_id'],
            referencedTableName: 'telegram_products',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_payment_settings',
        columns: [
          { ...col.varchar('bot_id', 36), isPrimary: true },
          col.text('provider_token_sealed', true),
          col.varchar('provider_token_hint', 32, true),
          col.varchar('yoomoney_wallet', 20, true),
          col.text('yoomoney_secret_sealed', true),
          col.ms('updated_at'),
        ],
        foreignKeys: [bot('CASCADE')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telegram_payment_settings');
    await q.dropTable('telegram_payments');
    await q.dropTable('telegram_products');
  }
}
