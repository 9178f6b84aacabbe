/** Copied from the protocol's PROVIDER_TYPES (a value import would pull TypeBox into the bundle). */
import type { NewProvider } from '../../api/endpoints.js';

export const PROVIDER_TYPES = [
  'vllm',
  'openai',
  'gemini',
  'anthropic',
  'deepseek',
  'kimi',
  'openrouter',
  'custom',
] as const satisfies ReadonlyArray<NewProvider['type']>;

export type ProviderType = (typeof PROVIDER_TYPES)[number];
