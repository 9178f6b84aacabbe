import type {
  CreateNotificationTargetRequest,
  NotificationTargetKind,
  UpdateNotificationTargetRequest,
} from '@ai-secretary/protocol';
import { NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { NotificationTargetRecord, NotificationTargetStore, TargetSettings } from './types.js';

export const targetSecretContext = (id: string) => `notification-target:${id}`;

const SECTION = {
  telegram: 'telegram',
  email: 'email',
  ntfy: 'ntfy',
  'discord-webhook': 'discordWebhook',
} as const satisfies Record<NotificationTargetKind, string>;

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

type Sections = Pick<CreateNotificationTargetRequest, 'telegram' | 'email' | 'ntfy' | 'discordWebhook'>;

export interface TargetsServiceDeps {
  store: NotificationTargetStore;
  secrets: SecretBox;
  clock: () => number;
  /** Whether a Telegram bot with this id is configured. */
  telegramBotExists: (botId: string) => Promise<boolean>;
}

function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${field} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError(`${field} must be http(s)`);
  return value.replace(/\/+$/, '');
}

function email(value: string, field: string): string {
  if (!EMAIL.test(value)) throw new ValidationError(`${field} is not an e-mail address: "${value}"`);
  return value;
}

/** Exactly the section named by the kind; the others are refused (nothing is dropped silently). */
function onlySection(kind: NotificationTargetKind, input: Sections): void {
  for (const [k, section] of Object.entries(SECTION)) {
    const given = input[section] !== undefined;
    if (k === kind && !given) throw new ValidationError(`A ${kind} target needs its "${section}" settings`);
    if (k !== kind && given) throw new ValidationError(`"${section}" does not belong to a ${kind} target`);
  }
}

/** Admin-configured places the owner is told about events; secrets sealed, never returned. */
export function createTargetsService(deps: TargetsServiceDeps) {
  const seal = (id: string, secret: string | null) =>
    secret === null || secret === '' ? null : deps.secrets.encrypt(secret, targetSecretContext(id));

  /** Checks one kind's section; the settings kept in clear and the secret to seal (undefined: keep the old). */
  async function parse(
    kind: NotificationTargetKind,
    input: Sections,
  ): Promise<{ settings: TargetSettings; secret: string | null | undefined }> {
    onlySection(kind, input);
    if (kind === 'telegram') {
      const t = input.telegram!;
      if (!(await deps.telegramBotExists(t.botId))) throw new ValidationError(`No Telegram bot "${t.botId}"`);
      return { settings: { kind, botId: t.botId, chatId: t.chatId }, secret: null };
    }
    if (kind === 'email') {
      const e = input.email!;
      const to = e.to.map((a, i) => email(a, `email.to[${i}]`));
      const settings = {
        kind,
        host: e.host,
        port: e.port,
        tls: e.tls,
        user: e.user ?? '',
        from: email(e.from, 'email.from'),
        to,
      };
      return { settings, secret: e.password };
    }
    if (kind === 'ntfy') {
      const n = input.ntfy!;
      return { settings: { kind, url: httpUrl(n.url, 'ntfy.url'), topic: n.topic }, secret: n.token };
    }
    const url = httpUrl(input.discordWebhook!.url, 'discordWebhook.url');
    return { settings: { kind, urlHint: `…${url.slice(-4)}` }, secret: url };
  }

  async function create(input: CreateNotificationTargetRequest): Promise<NotificationTargetRecord> {
    const { settings, secret } = await parse(input.kind, input);
    const id = newId();
    const now = deps.clock();
    const record: NotificationTargetRecord = {
      ...{ id, name: input.name, kind: input.kind, enabled: input.enabled ?? true, events: input.events },
      ...{ quietHours: input.quietHours ?? null, urgent: input.urgent ?? false, language: input.language ?? 'ru' },
      ...{ settings, secretSealed: seal(id, secret ?? null), createdAt: now, updatedAt: now },
    };
    await deps.store.insert(record);
    return record;
  }

  async function get(id: string): Promise<NotificationTargetRecord> {
    const record = await deps.store.findById(id);
    if (record === null) throw new NotFoundError('Notification target');
    return record;
  }

  async function update(id: string, input: UpdateNotificationTargetRequest): Promise<NotificationTargetRecord> {
    const old = await get(id);
    const { telegram, email: mail, ntfy, discordWebhook, ...plain } = input;
    const sections = { telegram, email: mail, ntfy, discordWebhook };
    const patch: Partial<NotificationTargetRecord> = { ...plain, updatedAt: deps.clock() };
    if (Object.values(sections).some((s) => s !== undefined)) {
      const { settings, secret } = await parse(old.kind, sections);
      patch.settings = settings;
      if (secret !== undefined) patch.secretSealed = seal(id, secret);
    }
    await deps.store.update(id, patch);
    return get(id);
  }

  async function remove(id: string): Promise<NotificationTargetRecord> {
    const record = await get(id);
    await deps.store.remove(id);
    return record;
  }

  const secretOf = (t: NotificationTargetRecord) =>
    t.secretSealed === null ? null : deps.secrets.decrypt(t.secretSealed, targetSecretContext(t.id));

  return { create, get, update, remove, list: () => deps.store.list(), secretOf };
}

export type TargetsService = ReturnType<typeof createTargetsService>;
