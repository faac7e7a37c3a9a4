/**
 * The directory: principals that exist, and since when. A principal registered with a
 * replication delay is not visible to role assignments until the delay has passed, the way a
 * new managed identity is not yet known to ARM's graph cache (PrincipalNotFound).
 */
export interface PrincipalOptions {
  /** How long after registration the principal becomes visible to Microsoft.Authorization. */
  replicationDelayMs?: number;
  /** The application (client) id; managed identities have one too. Default: a fresh GUID. */
  clientId?: string;
  /** Lets the principal sign in at the token endpoint with client_credentials. */
  clientSecret?: string;
  principalType?: 'ServicePrincipal' | 'User' | 'Group';
}

export interface DirectoryEntry {
  objectId: string;
  clientId: string;
  clientSecret?: string;
  principalType: 'ServicePrincipal' | 'User' | 'Group';
  visibleAt: number;
}

export class Directory {
  private readonly entries = new Map<string, DirectoryEntry>();

  register(objectId: string, clientId: string, opts: PrincipalOptions = {}): DirectoryEntry {
    const entry: DirectoryEntry = {
      objectId: objectId.toLowerCase(),
      clientId: (opts.clientId ?? clientId).toLowerCase(),
      clientSecret: opts.clientSecret,
      principalType: opts.principalType ?? 'ServicePrincipal',
      visibleAt: Date.now() + (opts.replicationDelayMs ?? 0),
    };
    this.entries.set(entry.objectId, entry);
    return entry;
  }

  /** Known at all (tokens can be minted for it), replicated or not. */
  get(objectId: string): DirectoryEntry | undefined {
    return this.entries.get(objectId.toLowerCase());
  }

  /** Deleted (a managed identity removed with its resource): no more tokens for it. */
  remove(objectId: string): void {
    this.entries.delete(objectId.toLowerCase());
  }

  byClientId(clientId: string): DirectoryEntry | undefined {
    return [...this.entries.values()].find((e) => e.clientId === clientId.toLowerCase());
  }

  /** Visible to role assignments: registered and replicated. */
  replicated(objectId: string): boolean {
    const entry = this.get(objectId);
    return entry !== undefined && Date.now() >= entry.visibleAt;
  }
}
