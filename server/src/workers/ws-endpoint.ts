import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import { HelloMessage } from '@ai-secretary/protocol';
import type { Logger } from '../logger.js';
import type { WorkerPool } from './pool.js';
import { WorkerConnection } from './worker-connection.js';
import { tokenMatches } from './worker-token.js';

const checkHello = Compile(HelloMessage);
const HELLO_TIMEOUT_MS = 10_000;

export interface WorkerEndpointDeps {
  pool: WorkerPool;
  token: string;
  heartbeatIntervalMs: number;
  logger: Logger;
}

function awaitHello(socket: WebSocket, deps: WorkerEndpointDeps): void {
  const timer = setTimeout(() => socket.close(4408, 'no hello'), HELLO_TIMEOUT_MS);
  socket.once('message', (data: Buffer, isBinary) => {
    clearTimeout(timer);
    let value: unknown;
    try {
      value = isBinary ? undefined : JSON.parse(data.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (!checkHello.Check(value)) {
      deps.logger.warn('speech worker sent an invalid hello');
      return socket.close(4400, 'invalid hello');
    }
    const worker = new WorkerConnection(socket, value, deps.logger);
    deps.pool.add(worker);
    worker.send({ type: 'welcome', heartbeatIntervalMs: deps.heartbeatIntervalMs });
    deps.logger.info(
      { workerId: worker.id, name: worker.name, problems: worker.problems.length },
      'speech worker joined',
    );
  });
}

/** `GET /ws/workers`: workers dial in with `Authorization: Bearer <worker token>` and say hello first. */
export function workerEndpoint(deps: WorkerEndpointDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/ws/workers',
      {
        websocket: true,
        schema: { hide: true },
        preValidation: async (request, reply) => {
          const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
          if (!tokenMatches(deps.token, presented)) {
            return reply.status(401).send({ error: { code: 'AUTH_INVALID_TOKEN', message: 'Invalid worker token' } });
          }
        },
      },
      (socket) => awaitHello(socket, deps),
    );
  };
}
