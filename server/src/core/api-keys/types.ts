export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  keyHash: string;
  ownerId: string;
  rateLimitPerMinute: number | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  createdBy: string | null;
}

export interface ApiKeyStore {
  insert(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  list(ownerId: string | null): Promise<ApiKeyRecord[]>;
  update(id: string, patch: Partial<Omit<ApiKeyRecord, 'id'>>): Promise<void>;
}
