import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  CreateProductRequest,
  IdParams,
  PaymentList,
  PaymentListQuery,
  PaymentSettingsView,
  PaymentView,
  ProductView,
  QuickpayLinkView,
  StrictObject,
  UpdatePaymentSettingsRequest,
  UpdateProductRequest,
} from '@ai-secretary/protocol';
import type { PaymentSettings } from '../../../core/payments/payment-settings.js';
import type { PaymentsService } from '../../../core/payments/payments-service.js';
import type { ProductsService } from '../../../core/payments/products-service.js';
import { formatLabel, quickpayUrl } from '../../../core/payments/yoomoney.js';
import { ValidationError } from '../../../errors.js';
import { principalOf } from '../principal.js';
import { toPaymentView, toProductView, toSettingsView, totalsOf } from './views.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
};
const refundErrors = { ...errors, 502: AdminErrorBody, 503: AdminErrorBody };
const tags = ['payments'];
const ProductParams = StrictObject({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  productId: Type.String({ minLength: 1, maxLength: 64 }),
});
const QuickpayQuery = StrictObject({ chatId: Type.Integer() });

export interface PaymentRoutesDeps {
  products: ProductsService;
  settings: PaymentSettings;
  payments: PaymentsService;
  /** Throws NotFoundError for an unknown bot. */
  botExists: (botId: string) => Promise<void>;
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** `/api/telegram/bots/:id/products`, `/bots/:id/payment-settings`, `/api/telegram/payments` (admins). */
export function telegramPaymentRoutes(deps: PaymentRoutesDeps): FastifyPluginAsyncTypebox {
  const { products, settings, payments } = deps;
  return async (app) => {
    app.get(
      '/bots/:id/products',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: IdParams,
          response: { 200: StrictObject({ items: Type.Array(ProductView) }), ...errors },
        },
      },
      async (request) => ({ items: (await products.list(request.params.id)).map(toProductView) }),
    );

    app.post(
      '/bots/:id/products',
      {
        config: { access: 'admin', audit: 'telegram.products.create' },
        schema: { tags, params: IdParams, body: CreateProductRequest, response: { 201: ProductView, ...errors } },
      },
      async (request, reply) =>
        reply.status(201).send(toProductView(await products.create(request.params.id, request.body))),
    );

    app.patch(
      '/bots/:id/products/:productId',
      {
        config: { access: 'admin', audit: 'telegram.products.update' },
        schema: { tags, params: ProductParams, body: UpdateProductRequest, response: { 200: ProductView, ...errors } },
      },
      async (request) => {
        const { id, productId } = request.params;
        return toProductView(await products.update(id, productId, request.body));
      },
    );

    app.delete(
      '/bots/:id/products/:productId',
      {
        config: { access: 'admin', audit: 'telegram.products.delete' },
        schema: { tags, params: ProductParams, response: { 200: ProductView, ...errors } },
      },
      async (request) => toProductView(await products.remove(request.params.id, request.params.productId)),
    );

    app.get(
      '/bots/:id/products/:productId/quickpay',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: ProductParams,
          querystring: QuickpayQuery,
          response: { 200: QuickpayLinkView, ...errors },
        },
      },
      async (request) => {
        const product = await products.get(request.params.id, request.params.productId);
        const { yoomoneyWallet } = await settings.get(product.botId);
        if (!yoomoneyWallet) throw new ValidationError('Set the YooMoney wallet in the payment settings first');
        if (product.currency !== 'RUB')
          throw new ValidationError('YooMoney takes roubles: this product is priced in Stars');
        const label = formatLabel(product.id, request.query.chatId);
        return {
          url: quickpayUrl({ wallet: yoomoneyWallet, amount: product.price, label, title: product.title }),
          label,
        };
      },
    );

    app.get(
      '/bots/:id/payment-settings',
      {
        config: { access: 'admin' },
        schema: { tags, params: IdParams, response: { 200: PaymentSettingsView, ...errors } },
      },
      async (request) => {
        await deps.botExists(request.params.id);
        return toSettingsView(await settings.get(request.params.id));
      },
    );

    app.put(
      '/bots/:id/payment-settings',
      {
        config: { access: 'admin', audit: 'telegram.payments.settings' },
        schema: {
          tags,
          params: IdParams,
          body: UpdatePaymentSettingsRequest,
          response: { 200: PaymentSettingsView, ...errors },
        },
      },
      async (request) => {
        await deps.botExists(request.params.id);
        return toSettingsView(await settings.update(request.params.id, request.body));
      },
    );

    app.get(
      '/payments',
      {
        config: { access: 'admin' },
        schema: { tags, querystring: PaymentListQuery, response: { 200: PaymentList, ...errors } },
      },
      async (request) => {
        const { since, until, ...filter } = request.query;
        const list = await payments.list({ ...filter, sinceMs: ms(since), untilMs: ms(until) });
        return { items: list.map(toPaymentView), totals: totalsOf(list) };
      },
    );

    app.post(
      '/payments/:id/refund',
      {
        config: { access: 'admin', audit: 'telegram.payments.refund' },
        schema: { tags, params: IdParams, response: { 200: PaymentView, ...refundErrors } },
      },
      async (request) => toPaymentView(await payments.refund(request.params.id, principalOf(request).username)),
    );
  };
}
