import type { VoicePorts } from '../voice/runtime.js';
import { accountsModule, type AccountsModule } from './accounts.js';
import { adminUiModule } from './admin-ui.js';
import { backupsModule, type BackupsModule } from './backups.js';
import { dashboardModule } from './dashboard.js';
import { databaseModule, type DatabaseModule } from './database.js';
import { discordModule, type DiscordModule } from './discord.js';
import { gsmModule, type GsmModule } from './gsm.js';
import { jobsModule, type JobsModule } from './jobs.js';
import { knowledgeModule, type KnowledgeModule } from './knowledge.js';
import { llmModule, type LlmModule } from './llm.js';
import { ownerModule, type OwnerModule } from './owner.js';
import { notificationsModule, type NotificationsModule } from './notifications.js';
import type { Module, ModuleDefinition } from './module.js';
import { privacyModule, type PrivacyModule } from './privacy.js';
import { paymentsModule, type PaymentsModule } from './payments.js';
import { processesModule, type ProcessesModule } from './processes.js';
import { settingsModule, type SettingsModule } from './settings.js';
import { speechModule, type SpeechModule } from './speech.js';
import { telegramModule, type TelegramModule } from './telegram.js';
import { toolsModule, type ToolsModule } from './tools.js';
import { telegramOutreachModule, type TelegramOutreachModule } from './telegram-outreach.js';
import { voiceModule, type VoiceModule } from './voice.js';
import { widgetModule } from './widget.js';

/** Every module by name, with what it gives the modules after it. */
export interface Started {
  database: DatabaseModule;
  jobs: JobsModule;
  accounts: AccountsModule;
  backups: BackupsModule;
  privacy: PrivacyModule;
  settings: SettingsModule;
  knowledge: KnowledgeModule;
  tools: ToolsModule;
  llm: LlmModule;
  processes: ProcessesModule;
  speech: SpeechModule;
  voice: VoiceModule;
  widget: Module;
  gsm: GsmModule;
  owner: OwnerModule;
  telegram: TelegramModule;
  telegramOutreach: TelegramOutreachModule;
  discord: DiscordModule;
  notifications: NotificationsModule;
  payments: PaymentsModule;
  dashboard: Module;
  adminUi: Module;
}

export interface ModuleListOptions {
  /** Voice engine ports (fakes in tests) instead of the speech-worker and LLM-router adapters. */
  voicePorts?: VoicePorts;
}

/**
 * THE list: the runtime starts these in this order and drains/closes them in reverse. A new channel
 * (telegram, discord, widget) is one more entry here, with its own file in this folder; one that runs child
 * processes (bots) comes after `processes` and adds them to its supervisor.
 */
export function moduleList(options: ModuleListOptions = {}): Array<ModuleDefinition<Started, keyof Started>> {
  return [
    databaseModule,
    jobsModule,
    accountsModule,
    backupsModule,
    privacyModule,
    settingsModule,
    knowledgeModule,
    toolsModule,
    llmModule,
    processesModule,
    speechModule,
    voiceModule(options.voicePorts),
    widgetModule,
    gsmModule,
    ownerModule,
    telegramModule,
    telegramOutreachModule,
    discordModule,
    notificationsModule,
    paymentsModule,
    dashboardModule,
    adminUiModule,
  ];
}

export type { Module, ModuleDefinition, ModuleContext, ModuleRoutes } from './module.js';
