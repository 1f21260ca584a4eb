import { Injectable } from '@nestjs/common';

/** A write that changes what a bearer token may do: a token revoked, or its user changed. */
export type CredentialChange = { tokenId: string } | { userId: string };

/**
 * Told by the repositories after every write that can change a token's verdict (revocation, a
 * user's role or active flag). The API's token cache listens, so a cached verdict cannot outlive
 * the row it came from, whichever code path made the change.
 */
@Injectable()
export class CredentialChanges {
  private readonly listeners = new Set<(change: CredentialChange) => void>();

  listen(listener: (change: CredentialChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(change: CredentialChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
