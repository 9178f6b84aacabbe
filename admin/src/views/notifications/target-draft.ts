import type {
  CreateNotificationTargetRequest,
  NotificationEvent,
  NotificationTargetKind,
  NotificationTargetView,
} from '@ai-secretary/protocol';

export const EVENTS: NotificationEvent[] = [
  'message.taken',
  'call.missed',
  'call.voicemail',
  'sms.received',
  'process.failing',
  'payment.received',
];
export const KINDS: NotificationTargetKind[] = ['telegram', 'email', 'ntfy', 'discord-webhook'];

/** Everything the form edits, flat; `toBody` picks the section of the chosen kind. */
export interface TargetDraft {
  name: string;
  kind: NotificationTargetKind;
  enabled: boolean;
  events: NotificationEvent[];
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  urgent: boolean;
  language: 'ru' | 'en';
  botId: string;
  chatId: string;
  host: string;
  port: number;
  tls: 'tls' | 'starttls' | 'none';
  user: string;
  password: string;
  from: string;
  to: string;
  url: string;
  topic: string;
  token: string;
}

export function emptyDraft(): TargetDraft {
  return {
    ...{ name: '', kind: 'telegram', enabled: true, events: ['message.taken'], quiet: false },
    ...{ quietStart: '21:00', quietEnd: '09:00', urgent: false, language: 'ru', botId: '', chatId: '' },
    ...{ host: '', port: 587, tls: 'starttls', user: '', password: '', from: '', to: '' },
    ...{ url: '', topic: '', token: '' },
  };
}

const str = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);

/** A draft from a saved target (secrets stay empty: left empty, the sealed one is kept). */
export function draftOf(t: NotificationTargetView): TargetDraft {
  const s = t.settings;
  return {
    ...emptyDraft(),
    ...{
      name: t.name,
      kind: t.kind,
      enabled: t.enabled,
      events: [...t.events],
      urgent: t.urgent,
      language: t.language,
    },
    ...{
      quiet: t.quietHours !== null,
      quietStart: t.quietHours?.start ?? '21:00',
      quietEnd: t.quietHours?.end ?? '09:00',
    },
    ...{ botId: str(s.botId), chatId: str(s.chatId), host: str(s.host), user: str(s.user), from: str(s.from) },
    ...{ port: typeof s.port === 'number' ? s.port : 587, tls: str(s.tls, 'starttls') as TargetDraft['tls'] },
    ...{
      to: Array.isArray(s.to) ? s.to.join(', ') : '',
      url: t.kind === 'ntfy' ? str(s.url) : '',
      topic: str(s.topic),
    },
  };
}

const optional = (key: string, value: string) => (value === '' ? {} : { [key]: value });

function section(d: TargetDraft, editing: boolean): Partial<CreateNotificationTargetRequest> {
  switch (d.kind) {
    case 'telegram':
      return { telegram: { botId: d.botId, chatId: d.chatId.trim() } };
    case 'email': {
      const to = d.to
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      const base = {
        host: d.host.trim(),
        port: Number(d.port),
        tls: d.tls,
        user: d.user.trim(),
        from: d.from.trim(),
        to,
      };
      return { email: { ...base, ...optional('password', d.password) } };
    }
    case 'ntfy':
      return { ntfy: { url: d.url.trim(), topic: d.topic.trim(), ...optional('token', d.token) } };
    case 'discord-webhook':
      // The URL is the secret: on edit, an empty field keeps the saved one.
      return editing && d.url === '' ? {} : { discordWebhook: { url: d.url.trim() } };
  }
}

/** The request body; on edit the kind is fixed and left out. */
export function toBody(d: TargetDraft, editing: boolean): CreateNotificationTargetRequest {
  return {
    ...{ kind: d.kind, name: d.name.trim(), enabled: d.enabled, events: d.events, urgent: d.urgent },
    ...{ language: d.language, quietHours: d.quiet ? { start: d.quietStart, end: d.quietEnd } : null },
    ...section(d, editing),
  };
}
