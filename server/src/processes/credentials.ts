import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ChildKind } from '@ai-secretary/protocol';

export const CHILD_CREDENTIAL_PREFIX = 'chc_';

export interface CredentialHolder {
  childId: string;
  kind: ChildKind;
  /** SHA-256 of the credential: the key under which open links are tracked. */
  hash: string;
}

const hashOf = (credential: string) => createHash('sha256').update(credential).digest('hex');

/**
 * One credential per supervised child: 256 random bits, valid for as long as that child process lives (no
 * expiry, unlike a session JWT), revoked when it stops or is replaced. Only hashes are kept, in memory: a
 * restarted orchestrator respawns its children with fresh credentials.
 */
export class ChildCredentials extends EventEmitter<{ revoked: [holder: CredentialHolder] }> {
  private readonly byHash = new Map<string, CredentialHolder>();
  private readonly hashByChild = new Map<string, string>();

  /** A fresh credential for `childId`; the one it had before is revoked. */
  issue(childId: string, kind: ChildKind): string {
    this.revoke(childId);
    const credential = CHILD_CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');
    const holder = { childId, kind, hash: hashOf(credential) };
    this.byHash.set(holder.hash, holder);
    this.hashByChild.set(childId, holder.hash);
    return credential;
  }

  /** Who holds `presented`, while it is live. */
  verify(presented: string | undefined): CredentialHolder | undefined {
    if (presented === undefined || !presented.startsWith(CHILD_CREDENTIAL_PREFIX)) return undefined;
    return this.byHash.get(hashOf(presented));
  }

  isLive(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Ends `childId`'s credential; links opened with it are closed (listeners of `revoked`). */
  revoke(childId: string): void {
    const hash = this.hashByChild.get(childId);
    const holder = hash === undefined ? undefined : this.byHash.get(hash);
    if (!holder) return;
    this.byHash.delete(holder.hash);
    this.hashByChild.delete(childId);
    this.emit('revoked', holder);
  }
}
