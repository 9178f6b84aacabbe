import { createOutreachSender } from '../channels/telegram/outreach-sender.js';
import { createBroadcastsService, type BroadcastsService } from '../core/telegram/outreach/broadcasts-service.js';
import { createFollowupsService, type FollowupsService } from '../core/telegram/outreach/followups-service.js';
import { pacedOutreach } from '../core/telegram/outreach/pacer.js';
import { telegramOutreachRoutes } from '../routes/admin/telegram/outreach.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface TelegramOutreachModule extends Module {
  followups: FollowupsService;
  broadcasts: BroadcastsService;
}

/**
 * Follow-ups and broadcasts of the Telegram bots, sent from the orchestrator through the Bot API (paced per bot) by
 * jobs of the durable scheduler. Comes after `jobs` and `telegram` (bots and subscribers).
 */
export const telegramOutreachModule: ModuleDefinition<Started, 'telegramOutreach'> = {
  name: 'telegramOutreach',
  enabled: (config) => config.telegram.enabled,
  async start({ config, logger, clock, get }) {
    const { stores } = get('database');
    const { scheduler } = get('jobs');
    const { bots } = get('telegram');
    const settings = get('settings');
    const log = logger.child({ component: 'telegram-outreach' });
    const sender = createOutreachSender({ apiRoot: config.telegram.apiRoot, timeoutMs: 15_000, tokenOf: bots.token });
    const outreach = pacedOutreach(sender, config.telegram.bulkPerSecond);
    const common = { subscribers: stores.telegram.subscribers, bots, outreach, jobs: scheduler, clock };
    const followups = createFollowupsService({
      ...common,
      store: stores.telegramOutreach.followups,
      events: stores.telegram.events,
      businessTimeZone: () => settings.schedule().timeZone,
      scanIntervalMs: config.telegram.followupScanMs,
      logger: log,
    });
    const broadcasts = createBroadcastsService({
      ...common,
      store: stores.telegramOutreach.broadcasts,
      concurrency: 8,
      sliceMs: 20_000,
      orphanAfterMs: config.jobs.leaseMs + 15_000,
    });
    broadcasts.startJobs();
    await followups.startJobs();
    return {
      name: 'telegramOutreach',
      followups,
      broadcasts,
      routes: { api: [{ prefix: '/telegram', plugin: telegramOutreachRoutes({ followups, broadcasts }) }] },
    };
  },
};
