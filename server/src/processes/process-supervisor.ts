import { ConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChildLink } from './child-link.js';
import type { ChildCredentials, CredentialHolder } from './credentials.js';
import { SupervisedChild, type ChildPolicy, type ChildSpec } from './supervised-child.js';

export interface ProcessSupervisorOptions {
  credentials: ChildCredentials;
  policy: ChildPolicy;
  logger: Logger;
}

/**
 * Runs N child processes of any kind (speech workers, bots), each a `SupervisedChild` state machine. Children
 * added before the server listens start when it does (`start(url)`); those added later start at once.
 */
export class ProcessSupervisor {
  private readonly children = new Map<string, SupervisedChild>();
  private url: string | undefined;
  private stopping = false;

  constructor(private readonly options: ProcessSupervisorOptions) {}

  add(spec: ChildSpec): SupervisedChild {
    if (this.children.has(spec.id)) throw new ConflictError(`A child process "${spec.id}" already exists`);
    const { policy, credentials, logger } = this.options;
    const child = new SupervisedChild(spec, policy, credentials, logger.child({ component: 'processes' }));
    this.children.set(spec.id, child);
    if (this.url !== undefined && !this.stopping) child.start(this.url);
    return child;
  }

  get(id: string): SupervisedChild | undefined {
    return this.children.get(id);
  }

  list(): SupervisedChild[] {
    return [...this.children.values()];
  }

  /** The server listens at `url` (`/ws/workers`): children dial it from now on. */
  start(url: string): void {
    this.url = url;
    if (this.stopping) return;
    for (const child of this.children.values()) child.start(url);
  }

  /** A hello arrived on a link opened with `holder`'s live credential: that child is ready. */
  attach(holder: CredentialHolder, link: ChildLink): void {
    const child = this.children.get(holder.childId);
    if (child) child.attach(link);
    else link.terminate('no such child');
  }

  /** Stops one child and forgets it. */
  async remove(id: string): Promise<void> {
    const child = this.children.get(id);
    if (!child) return;
    await child.stop();
    this.children.delete(id);
  }

  /** Stops every child (graceful, in parallel); none restarts afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.list().map((child) => child.stop()));
  }
}
