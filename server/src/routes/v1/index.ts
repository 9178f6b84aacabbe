import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../errors.js';
import { openAiErrorHandler } from './errors.js';

export interface V1Plugin {
  /** Registers one group of /v1 routes (chat, audio, …); added by later modules. */
  (app: Parameters<FastifyPluginAsyncTypebox>[0]): Promise<void>;
}

export interface V1RoutesDeps {
  plugins: V1Plugin[];
}

/** The OpenAI-compatible surface: its own error envelope for everything under /v1. */
export const v1Routes: FastifyPluginAsyncTypebox<V1RoutesDeps> = async (app, deps) => {
  app.setErrorHandler(openAiErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`${request.method} ${request.url.split('?')[0]}`);
  });
  for (const plugin of deps.plugins) await plugin(app);
};
