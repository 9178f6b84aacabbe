/** How the website widget looks; null: its default. */
export interface WidgetAppearance {
  title: string | null;
  greeting: string | null;
  color: string | null;
  position: 'right' | 'left' | null;
  language: 'ru' | 'en' | null;
}

export const DEFAULT_APPEARANCE: WidgetAppearance = Object.freeze({
  title: null,
  greeting: null,
  color: null,
  position: null,
  language: null,
});

export interface WidgetTokenRecord {
  id: string;
  name: string;
  prefix: string;
  tokenHash: string;
  /** Exact origins (`https://shop.example`) a browser may connect from; empty: any. */
  allowedOrigins: string[];
  /** Persona slug or model route for the token's sessions; null: the voice default. */
  route: string | null;
  maxConcurrentSessions: number;
  /** The website widget's look (`/widget.js`). */
  appearance: WidgetAppearance;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  createdBy: string | null;
}

export interface WidgetTokenStore {
  insert(token: WidgetTokenRecord): Promise<void>;
  findById(id: string): Promise<WidgetTokenRecord | null>;
  findByHash(hash: string): Promise<WidgetTokenRecord | null>;
  list(): Promise<WidgetTokenRecord[]>;
  update(id: string, patch: Partial<Omit<WidgetTokenRecord, 'id'>>): Promise<void>;
}
