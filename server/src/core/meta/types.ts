/** Small key/value facts about this installation (e.g. fingerprints of its secrets). */
export interface MetaStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}
