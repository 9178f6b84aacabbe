import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import {
  ChildHello,
  LinkCloseCode,
  helloKind,
  type ChildKind,
  type HelloOf,
  type WelcomeMessage,
} from '@ai-secretary/protocol';
import type { Logger } from '../logger.js';
import { ChildConnection, type ChildLink } from './child-link.js';
import type { ChildCredentials, CredentialHolder } from './credentials.js';
import type { ProcessSupervisor } from './process-supervisor.js';
import { tokenMatches } from './shared-token.js';

const checkHello = Compile(ChildHello);
const HELLO_TIMEOUT_MS = 10_000;

/** A link the endpoint can welcome. */
export interface AcceptedLink extends ChildLink {
  send(message: WelcomeMessage): void;
}

/** How the orchestrator takes a child of one kind onto the link (the speech pool for speech workers). */
export interface KindAcceptor<K extends ChildKind> {
  /** The heartbeat interval its `welcome` announces. */
  heartbeatIntervalMs: number;
  /** A token that children of this kind started by hand present instead of a credential (remote speech workers). */
  sharedToken?: string;
  accept(socket: WebSocket, hello: HelloOf<K>): AcceptedLink;
}

/** Who opened a link: a supervised child (its credential) or a child started by hand (a shared token). */
type LinkAuth = { holder: CredentialHolder } | { sharedKinds: ChildKind[] };

/** The acceptors by kind; a kind without one gets a plain `ChildConnection`. */
export class LinkKinds {
  private readonly acceptors = new Map<ChildKind, KindAcceptor<ChildKind>>();

  constructor(
    private readonly defaultHeartbeatIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  register<K extends ChildKind>(kind: K, acceptor: KindAcceptor<K>): void {
    this.acceptors.set(kind, acceptor);
  }

  acceptorFor(kind: ChildKind): KindAcceptor<ChildKind> {
    return (
      this.acceptors.get(kind) ?? {
        heartbeatIntervalMs: this.defaultHeartbeatIntervalMs,
        accept: (socket, hello) => new ChildConnection(socket, kind, hello, this.logger),
      }
    );
  }

  /** The kinds whose shared token `presented` is. */
  sharedKinds(presented: string | undefined): ChildKind[] {
    const kinds = [...this.acceptors.entries()];
    return kinds
      .filter(([, a]) => a.sharedToken !== undefined && tokenMatches(a.sharedToken, presented))
      .map(([k]) => k);
  }
}

export interface LinkEndpointDeps {
  kinds: LinkKinds;
  credentials: ChildCredentials;
  supervisor: ProcessSupervisor;
  logger: Logger;
}

function parseHello(data: Buffer, isBinary: boolean): ChildHello | undefined {
  if (isBinary) return undefined;
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    return checkHello.Check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A credential names one child of one kind; a shared token lets any id of its kinds in. */
function mayClaim(auth: LinkAuth, hello: ChildHello): boolean {
  const kind = helloKind(hello);
  if ('holder' in auth) return auth.holder.childId === hello.workerId && auth.holder.kind === kind;
  return auth.sharedKinds.includes(kind);
}

function awaitHello(socket: WebSocket, auth: LinkAuth, deps: LinkEndpointDeps): void {
  const timer = setTimeout(() => socket.close(LinkCloseCode.noHello, 'no hello'), HELLO_TIMEOUT_MS);
  socket.once('message', (data: Buffer, isBinary) => {
    clearTimeout(timer);
    const hello = parseHello(data, isBinary);
    if (!hello) {
      deps.logger.warn('a child sent an invalid hello');
      return socket.close(LinkCloseCode.invalidHello, 'invalid hello');
    }
    if (!mayClaim(auth, hello)) {
      deps.logger.warn({ childId: hello.workerId, kind: helloKind(hello) }, 'a hello did not match its credential');
      return socket.close(LinkCloseCode.helloRefused, 'hello does not match the credential');
    }
    const acceptor = deps.kinds.acceptorFor(helloKind(hello));
    const link = acceptor.accept(socket, hello);
    link.send({ type: 'welcome', heartbeatIntervalMs: acceptor.heartbeatIntervalMs });
    if ('holder' in auth) deps.supervisor.attach(auth.holder, link);
  });
}

/** Open links by credential hash, so that revoking a credential closes them. */
function trackRevocations(deps: LinkEndpointDeps) {
  const open = new Map<string, Set<WebSocket>>();
  const onRevoked = (holder: CredentialHolder) => {
    for (const socket of open.get(holder.hash) ?? [])
      socket.close(LinkCloseCode.credentialRevoked, 'credential revoked');
    open.delete(holder.hash);
  };
  deps.credentials.on('revoked', onRevoked);
  return {
    add(hash: string, socket: WebSocket) {
      const sockets = open.get(hash) ?? new Set();
      open.set(hash, sockets.add(socket));
      socket.once('close', () => sockets.delete(socket));
    },
    dispose: () => deps.credentials.off('revoked', onRevoked),
  };
}

/**
 * `GET /ws/workers`: every child process dials in with `Authorization: Bearer <credential>` (its own, from its
 * supervisor) or a kind's shared token (remote speech workers), checked before the upgrade, and says hello.
 */
export function linkEndpoint(deps: LinkEndpointDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const auths = new WeakMap<FastifyRequest, LinkAuth>();
    const revocations = trackRevocations(deps);
    app.addHook('onClose', async () => revocations.dispose());
    app.get(
      '/ws/workers',
      {
        websocket: true,
        schema: { hide: true },
        preValidation: async (request, reply) => {
          const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
          const holder = deps.credentials.verify(presented);
          const sharedKinds = holder ? [] : deps.kinds.sharedKinds(presented);
          if (!holder && sharedKinds.length === 0) {
            return reply.status(401).send({ error: { code: 'AUTH_INVALID_TOKEN', message: 'Invalid worker token' } });
          }
          auths.set(request, holder ? { holder } : { sharedKinds });
        },
      },
      (socket, request) => {
        const auth = auths.get(request)!;
        if ('holder' in auth) {
          if (!deps.credentials.isLive(auth.holder.hash))
            return socket.close(LinkCloseCode.credentialRevoked, 'credential revoked');
          revocations.add(auth.holder.hash, socket);
        }
        awaitHello(socket, auth, deps);
      },
    );
  };
}
