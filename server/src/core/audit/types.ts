export interface AuditRecord {
  id: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  statusCode: number | null;
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  limit: number;
  offset: number;
  actorId?: string | undefined;
  actionPrefix?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

export interface AuditStore {
  insert(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  list(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }>;
}
