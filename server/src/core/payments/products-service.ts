import type { CreateProductRequest, UpdateProductRequest } from '@ai-secretary/protocol';
import { NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import type { ProductRecord, ProductStore } from './types.js';

/** Telegram's ceiling for one Stars subscription's price. */
export const MAX_SUBSCRIPTION_STARS = 10_000;

export interface ProductsServiceDeps {
  store: ProductStore;
  /** Throws NotFoundError when the bot does not exist. */
  botExists: (botId: string) => Promise<void>;
  clock: () => number;
}

function checkProduct(product: Pick<ProductRecord, 'currency' | 'subscription' | 'price'>): void {
  if (product.subscription && product.currency !== 'XTR')
    throw new ValidationError('Subscriptions are sold in Stars (XTR) only: Telegram renews them monthly', {
      details: { field: 'subscription' },
    });
  if (product.subscription && product.price > MAX_SUBSCRIPTION_STARS)
    throw new ValidationError(`A subscription costs at most ${MAX_SUBSCRIPTION_STARS} Stars`, {
      details: { field: 'price' },
    });
}

/** The products each bot sells (offers point at them; invoices are built from them). */
export function createProductsService(deps: ProductsServiceDeps) {
  const { store } = deps;

  async function get(botId: string, id: string): Promise<ProductRecord> {
    const product = await store.findById(id);
    if (!product || product.botId !== botId) throw new NotFoundError('Product');
    return product;
  }

  async function create(botId: string, input: CreateProductRequest): Promise<ProductRecord> {
    await deps.botExists(botId);
    const now = deps.clock();
    const product: ProductRecord = {
      id: newId(),
      botId,
      title: input.title.trim(),
      description: input.description.trim(),
      price: input.price,
      currency: input.currency,
      subscription: input.subscription ?? false,
      active: input.active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    if (!product.title || !product.description)
      throw new ValidationError('title and description must not be blank', { details: { field: 'title' } });
    checkProduct(product);
    await store.insert(product);
    return product;
  }

  async function update(botId: string, id: string, input: UpdateProductRequest): Promise<ProductRecord> {
    const product = await get(botId, id);
    const patch = { ...input, updatedAt: deps.clock() };
    if (patch.title !== undefined) patch.title = patch.title.trim();
    if (patch.description !== undefined) patch.description = patch.description.trim();
    if (patch.title === '' || patch.description === '')
      throw new ValidationError('title and description must not be blank', { details: { field: 'title' } });
    checkProduct({ ...product, ...patch });
    await store.update(id, patch);
    return get(botId, id);
  }

  async function remove(botId: string, id: string): Promise<ProductRecord> {
    const product = await get(botId, id);
    await store.remove(id);
    return product;
  }

  async function list(botId: string): Promise<ProductRecord[]> {
    await deps.botExists(botId);
    return store.list(botId);
  }

  return { create, get, update, remove, list, find: (id: string) => store.findById(id) };
}

export type ProductsService = ReturnType<typeof createProductsService>;
