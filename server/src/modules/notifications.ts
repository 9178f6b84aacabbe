import type { GsmChannel } from '../channels/gsm/index.js';
import { createEmailSender } from '../channels/notify/email-sender.js';
import { createDiscordWebhookSender, createNtfySender } from '../channels/notify/http-senders.js';
import { createTelegramNoticeSender } from '../channels/telegram/notify-sender.js';
import { createOutboundPolicy } from '../core/net/outbound-policy.js';
import { createOutbox, startDeliveryLoop, type Outbox } from '../core/notifications/outbox.js';
import { createTargetsService, type TargetsService } from '../core/notifications/targets-service.js';
import type { NoticeSenders } from '../core/notifications/types.js';
import { createHttpFetch } from '../llm-providers/http-fetch.js';
import type { ProcessSupervisor } from '../processes/process-supervisor.js';
import { notificationRoutes } from '../routes/admin/notifications/index.js';
import type { Started } from './index.js';
import type { Module, ModuleContext, ModuleDefinition } from './module.js';

export interface NotificationsModule extends Module {
  targets: TargetsService;
  outbox: Outbox;
}

function senders(context: ModuleContext<Started>): NoticeSenders {
  const { config, find } = context;
  const { timeoutMs } = config.notify;
  const fetch = createHttpFetch({ maxSockets: 8, policy: createOutboundPolicy({ allow: config.outboundAllow }) });
  const tokenOf = async (botId: string) => {
    const bots = find('telegram')?.bots;
    if (!bots) throw new Error('Telegram is off (TELEGRAM_ENABLED=false)');
    return bots.token(await bots.get(botId));
  };
  return {
    telegram: createTelegramNoticeSender({ apiRoot: config.telegram.apiRoot, timeoutMs, tokenOf }),
    email: createEmailSender({ timeoutMs }),
    ntfy: createNtfySender({ fetch, timeoutMs }),
    'discord-webhook': createDiscordWebhookSender({ fetch, timeoutMs }),
  };
}

/** Missed calls, recorded (voicemail) calls and received SMS from the modem. */
function watchGsm(gsm: GsmChannel, outbox: Outbox): void {
  gsm.calls.on('callEnded', (call) => {
    if (call.direction !== 'incoming') return;
    if (call.status === 'missed') void outbox.enqueue({ event: 'call.missed', number: call.number });
    else if (call.status === 'ended' && call.recordingCaller !== null) {
      const durationS = Math.round(((call.endedAt ?? call.startedAt) - (call.answeredAt ?? call.startedAt)) / 1000);
      void outbox.enqueue({ event: 'call.voicemail', number: call.number, durationS });
    }
  });
  gsm.sms.on('received', (sms) => void outbox.enqueue({ event: 'sms.received', number: sms.number, text: sms.text }));
}

/** Every child (speech worker, bot) that enters `failed` after a crash loop; children added later too. */
function watchProcesses(supervisor: ProcessSupervisor, outbox: Outbox, intervalMs: number): () => void {
  const watched = new WeakSet<object>();
  type Child = ReturnType<ProcessSupervisor['list']>[number];
  const failing = (child: Child) => {
    const reason = child.failureReason ?? 'crash loop';
    void outbox.enqueue({ event: 'process.failing', processId: child.id, kind: child.spec.kind, reason });
  };
  const scan = () => {
    for (const child of supervisor.list()) {
      if (watched.has(child)) continue;
      watched.add(child);
      // a child can crash-loop into `failed` between two scans: it is told once here
      if (child.status === 'failed') failing(child);
      child.on('stateChange', (_from, to) => {
        if (to === 'failed') failing(child);
      });
    }
  };
  scan();
  const timer = setInterval(scan, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Owner notifications: targets, the durable outbox and its delivery loop; `/api/notifications`. */
export const notificationsModule: ModuleDefinition<Started, 'notifications'> = {
  name: 'notifications',
  async start(context) {
    const { config, logger, clock, get, find } = context;
    const { stores } = get('database');
    const settings = get('settings');
    const targets = createTargetsService({
      ...{ store: stores.notifications.targets, secrets: get('accounts').services.secrets, clock },
      telegramBotExists: async (id) => (await stores.telegram.bots.findById(id)) !== null,
    });
    const outbox = createOutbox({
      ...{ deliveries: stores.notifications.deliveries, targets, senders: senders(context), clock },
      business: () => ({ name: settings.service.current().businessName, timeZone: settings.schedule().timeZone }),
      logger: logger.child({ component: 'notifications' }),
      ...{ maxAttempts: config.notify.maxAttempts, retryBaseMs: config.notify.retryBaseMs },
      leaseMs: config.notify.timeoutMs * 3,
    });
    get('voice').onMessageTaken((m) => {
      const { callerName, callbackNumber, reason, channel } = m;
      void outbox.enqueue({ event: 'message.taken', callerName, callbackNumber, reason, channel });
    });
    const gsm = find('gsm')?.channel;
    if (gsm) watchGsm(gsm, outbox);
    const unwatch = watchProcesses(get('processes').supervisor, outbox, 1000);
    const loop = startDeliveryLoop(outbox, config.notify.pollMs);
    const routes = notificationRoutes({ targets, outbox, deliveries: stores.notifications.deliveries });
    return {
      ...{ name: 'notifications', targets, outbox },
      routes: { api: [{ prefix: '/notifications', plugin: routes }] },
      close: async () => {
        unwatch();
        await loop.stop();
      },
    };
  },
};
