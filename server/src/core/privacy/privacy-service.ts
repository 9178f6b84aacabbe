import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { ValidationError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { MetaStore } from '../meta/types.js';
import type { ErasureJournal } from './erasure-journal.js';
import {
  KEEP_FOREVER,
  RETENTION_KINDS,
  type ContactExport,
  type ContactRef,
  type EraseResult,
  type PrivacySource,
  type RetentionResult,
  type RetentionSettings,
} from './types.js';

const SETTINGS_KEY = 'privacy.retention';
const DAY_MS = 86_400_000;
const MAX_DAYS = 36_500;

export interface PrivacyDeps {
  sources: PrivacySource[];
  /** Runs the erase of every source in one database transaction (sources given the transaction's view). */
  inTransaction<T>(work: (sources: PrivacySource[]) => Promise<T>): Promise<T>;
  meta: MetaStore;
  journal: ErasureJournal;
  dataDir: string;
  clock: Clock;
  logger: Logger;
}

export function validateRetention(input: RetentionSettings): RetentionSettings {
  for (const kind of RETENTION_KINDS) {
    const days = input[kind];
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_DAYS))
      throw new ValidationError(`${kind} must be null (keep forever) or a whole number of days from 1 to ${MAX_DAYS}`);
  }
  return { ...input };
}

/**
 * Retention (what is deleted after N days, run daily) and per-contact export and erase, over every source of
 * personal data. Files are deleted only after the rows that name them are gone.
 */
export function createPrivacyService(deps: PrivacyDeps) {
  const log = deps.logger;
  const safeFile = (rel: string) => {
    const full = path.resolve(deps.dataDir, rel);
    return full.startsWith(path.resolve(deps.dataDir) + path.sep) ? full : null;
  };
  const removeFiles = (files: string[]) => {
    let removed = 0;
    for (const rel of new Set(files)) {
      const full = safeFile(rel);
      if (full === null || !fs.existsSync(full)) continue;
      fs.rmSync(full, { force: true });
      removed++;
    }
    return removed;
  };
  const forKind = (contact: ContactRef) => deps.sources.filter((s) => s.kinds.includes(contact.kind));

  async function retention(): Promise<RetentionSettings> {
    const raw = await deps.meta.get(SETTINGS_KEY);
    return raw === null ? { ...KEEP_FOREVER } : { ...KEEP_FOREVER, ...(JSON.parse(raw) as RetentionSettings) };
  }

  return {
    retention,

    async setRetention(input: RetentionSettings): Promise<RetentionSettings> {
      const settings = validateRetention(input);
      await deps.meta.set(SETTINGS_KEY, JSON.stringify(settings));
      return settings;
    },

    async exportContact(contact: ContactRef): Promise<ContactExport> {
      const out: ContactExport = { contact, exportedAt: new Date(deps.clock()).toISOString(), sources: {}, files: [] };
      for (const source of forKind(contact)) {
        const data = await source.collect(contact);
        if (data.rows.length > 0) out.sources[source.name] = data.rows;
        for (const rel of data.files) {
          const full = safeFile(rel);
          if (full === null || !fs.existsSync(full)) continue;
          const bytes = fs.readFileSync(full);
          out.files.push({ path: rel, size: bytes.length, base64: bytes.toString('base64') });
        }
      }
      return out;
    },

    async eraseContact(contact: ContactRef, options: { journal?: boolean } = {}): Promise<EraseResult> {
      const removed = await deps.inTransaction(async (sources) => {
        const results: Array<[string, number, string[]]> = [];
        for (const source of sources.filter((s) => s.kinds.includes(contact.kind))) {
          const { rows, files } = await source.erase(contact);
          results.push([source.name, rows, files]);
        }
        return results;
      });
      const rows = Object.fromEntries(removed.filter(([, n]) => n > 0).map(([name, n]) => [name, n]));
      const files = removeFiles(removed.flatMap(([, , f]) => f));
      if (options.journal !== false) deps.journal.append(contact, deps.clock());
      log.info({ kind: contact.kind, rows, files }, 'privacy: contact erased');
      return { contact, rows, files };
    },

    /** Deletes what retention says is due; answers what went. */
    async runRetention(): Promise<RetentionResult> {
      const settings = await retention();
      const now = deps.clock();
      const rows: Record<string, number> = {};
      const files: string[] = [];
      for (const kind of RETENTION_KINDS) {
        const days = settings[kind];
        if (days === null) continue;
        for (const source of deps.sources) {
          if (source.expire === undefined) continue;
          const removed = await source.expire(kind, now - days * DAY_MS);
          if (removed.rows > 0) rows[`${source.name}.${kind.replace(/Days$/, '')}`] = removed.rows;
          files.push(...removed.files);
        }
      }
      const result = { ranAt: new Date(now).toISOString(), rows, files: removeFiles(files) };
      log.info({ rows: result.rows, files: result.files }, 'privacy: retention ran');
      return result;
    },

    /** After a restore: erases again every contact this install's journal lists. */
    async reapplyErasures(): Promise<number> {
      const entries = deps.journal.read();
      for (const entry of entries) await this.eraseContact(entry.contact, { journal: false });
      return entries.length;
    },
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;
