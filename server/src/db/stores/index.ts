import type { DataSource } from 'typeorm';
import { createApiKeyStore } from './api-key-store.js';
import { createAuditStore } from './audit-store.js';
import { createGsmCallStore, createGsmSmsStore } from './gsm-store.js';
import { createLoginFailureStore } from './login-failure-store.js';
import { createMetaStore } from './meta-store.js';
import { createSessionStore } from './session-store.js';
import { createUserStore } from './user-store.js';
import {
  createConversationStore,
  createFaqStore,
  createLimitStore,
  createPersonaStore,
  createPriceStore,
  createProviderStore,
  createUsageStore,
} from './llm-stores.js';
import { createConversationStore as createVoiceConversationStore } from './conversation-store.js';
import { createMessagesStore, createWebhooksStore } from './messages-store.js';
import { createDashboardStore } from './dashboard-store.js';
import { createSettingsStore } from './settings-store.js';
import { createWidgetTokenStore } from './widget-token-store.js';
import {
  createTelegramBotStore,
  createTelegramInboxStore,
  createTelegramSubscriberStore,
  createTelegramEventStore,
  createTelegramTurnStore,
} from './telegram-store.js';
import { createTelegramFunnelProgressStore, createTelegramFunnelStore } from './telegram-funnel-store.js';
import { createDiscordBotStore, createDiscordTurnStore } from './discord-store.js';
import {
  createDiscordChoiceStore,
  createDiscordGuildStore,
  createDiscordInteractionStore,
} from './discord-guild-store.js';
import { createOwnerCommandStore } from './owner-command-store.js';
import { createKnowledgeStore } from './knowledge-store.js';
import { createHttpToolStore } from './http-tool-store.js';
import { createJobStore } from './job-store.js';
import { createBroadcastStore, createFollowupStore } from './telegram-outreach-store.js';
import { createNotificationDeliveryStore, createNotificationTargetStore } from './notification-store.js';
import { createPaymentSettingsStore, createPaymentStore, createProductStore } from './payment-store.js';

export type Stores = ReturnType<typeof createStores>;

export function createStores(db: DataSource) {
  return {
    users: createUserStore(db),
    sessions: createSessionStore(db),
    loginFailures: createLoginFailureStore(db),
    apiKeys: createApiKeyStore(db),
    audit: createAuditStore(db),
    meta: createMetaStore(db),
    llm: {
      providers: createProviderStore(db),
      personas: createPersonaStore(db),
      faq: createFaqStore(db),
      usage: createUsageStore(db),
      limits: createLimitStore(db),
      prices: createPriceStore(db),
      conversations: createConversationStore(db),
    },
    gsmCalls: createGsmCallStore(db),
    gsmSms: createGsmSmsStore(db),
    conversations: createVoiceConversationStore(db),
    messages: createMessagesStore(db),
    webhooks: createWebhooksStore(db),
    dashboard: createDashboardStore(db),
    settings: createSettingsStore(db),
    widgetTokens: createWidgetTokenStore(db),
    telegram: {
      bots: createTelegramBotStore(db),
      turns: createTelegramTurnStore(db),
      inbox: createTelegramInboxStore(db),
      subscribers: createTelegramSubscriberStore(db),
      events: createTelegramEventStore(db),
      funnels: createTelegramFunnelStore(db),
      funnelProgress: createTelegramFunnelProgressStore(db),
    },
    discord: {
      bots: createDiscordBotStore(db),
      turns: createDiscordTurnStore(db),
      guilds: createDiscordGuildStore(db),
      choices: createDiscordChoiceStore(db),
      interactions: createDiscordInteractionStore(db),
    },
    ownerCommands: createOwnerCommandStore(db),
    knowledge: createKnowledgeStore(db),
    httpTools: createHttpToolStore(db),
    jobs: createJobStore(db),
    telegramOutreach: { followups: createFollowupStore(db), broadcasts: createBroadcastStore(db) },
    notifications: { targets: createNotificationTargetStore(db), deliveries: createNotificationDeliveryStore(db) },
    payments: {
      products: createProductStore(db),
      payments: createPaymentStore(db),
      settings: createPaymentSettingsStore(db),
    },
  };
}
