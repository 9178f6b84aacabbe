import { Initial1763700000000 } from './1763700000000-initial.js';
import { Llm1763800000000 } from './1763800000000-llm.js';
import { Gsm1764000000000 } from './1764000000000-gsm.js';
import { Voice1764100000000 } from './1764100000000-voice.js';
import { Settings1764200000000 } from './1764200000000-settings.js';
import { GsmSmsAutoReply1764300000000 } from './1764300000000-gsm-sms-auto-reply.js';
import { WidgetTokens1764400000000 } from './1764400000000-widget-tokens.js';
import { AuthHardening1764500000000 } from './1764500000000-auth-hardening.js';
import { Telegram1764600000000 } from './1764600000000-telegram.js';
import { TelegramSubscribers1764650000000 } from './1764650000000-telegram-subscribers.js';
import { Discord1764700000000 } from './1764700000000-discord.js';
import { OwnerCommands1764800000000 } from './1764800000000-owner-commands.js';
import { DiscordGuilds1764900000000 } from './1764900000000-discord-guilds.js';
import { Knowledge1764900000000 } from './1764900000000-knowledge.js';
import { Notifications1764800000000 } from './1764800000000-notifications.js';
import { WidgetAppearance1764900000000 } from './1764900000000-widget-appearance.js';
import { TelegramFunnelState1765000000000 } from './1765000000000-telegram-funnel-state.js';
import { HttpTools1765600000000 } from './1765600000000-http-tools.js';
import { LlmLocal1765800000000 } from './1765800000000-llm-local.js';
import { TelegramFunnels1765200000000 } from './1765200000000-telegram-funnels.js';
import { TelegramPayments1765300000000 } from './1765300000000-telegram-payments.js';
import { Jobs1765400000000 } from './1765400000000-jobs.js';
import { TelegramOutreach1765400000001 } from './1765400000001-telegram-outreach.js';
import { DiscordSessions1765700000000 } from './1765700000000-discord-sessions.js';

/** Committed migrations in order; run automatically at start (synchronize is never used). */
export const MIGRATIONS = [
  Initial1763700000000,
  Llm1763800000000,
  Gsm1764000000000,
  Voice1764100000000,
  Settings1764200000000,
  GsmSmsAutoReply1764300000000,
  WidgetTokens1764400000000,
  AuthHardening1764500000000,
  Telegram1764600000000,
  TelegramSubscribers1764650000000,
  Discord1764700000000,
  OwnerCommands1764800000000,
  Notifications1764800000000,
  DiscordGuilds1764900000000,
  Knowledge1764900000000,
  WidgetAppearance1764900000000,
  TelegramFunnelState1765000000000,
  TelegramFunnels1765200000000,
  TelegramPayments1765300000000,
  Jobs1765400000000,
  TelegramOutreach1765400000001,
  HttpTools1765600000000,
  DiscordSessions1765700000000,
  LlmLocal1765800000000,
];
