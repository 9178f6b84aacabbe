import type { DataSource } from 'typeorm';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import type { FirstAdminResult } from './core/users/first-admin.js';
import type { MessageNotifier } from './core/voice/ports.js';
import type { Stores } from './db/stores/index.js';
import type { GsmChannel } from './channels/gsm/index.js';
import { createMetricsRegistry } from './http/metrics.js';
import type { Logger } from './logger.js';
import { moduleList, type ModuleListOptions, type Started } from './modules/index.js';
import type { LlmModule } from './modules/llm.js';
import type { NotificationsModule } from './modules/notifications.js';
import type { PaymentsModule } from './modules/payments.js';
import type { ProcessesModule } from './modules/processes.js';
import { startModules, type StartedModules } from './modules/runner.js';
import type { SettingsModule } from './modules/settings.js';
import type { JobScheduler } from './core/jobs/scheduler.js';
import type { CoreServices } from './services.js';
import type { SpeechRuntime } from './speech/speech-runtime.js';
import type { VoiceRuntime } from './voice/runtime.js';

export interface Runtime {
  app: App;
  db: DataSource;
  stores: Stores;
  services: CoreServices;
  llm: LlmModule['services'];
  firstAdmin: FirstAdminResult;
  generatedSecrets: string[];
  speech: SpeechRuntime;
  /** Supervised child processes (the local speech worker, bots) and their credentials. */
  processes: Pick<ProcessesModule, 'supervisor' | 'credentials'>;
  /** The GSM channel (null when GSM_ENABLED=false). */
  gsm: GsmChannel | null;
  /** The voice engine (speech workers + LLM router, or the `voicePorts` override). */
  voice: VoiceRuntime;
  /** Announces taken messages through the configured webhooks (any channel may use it). */
  notifier: MessageNotifier;
  /** Business settings (the panel's Settings page). */
  settings: SettingsModule['service'];
  /** Owner notifications: the outbox (enqueue, one delivery pass, test) and the targets. */
  notifications: Pick<NotificationsModule, 'outbox' | 'targets'>;
  /** Payments of the Telegram sales bots (null when TELEGRAM_ENABLED=false). */
  payments: PaymentsModule['payments'] | null;
  /** The durable due-jobs scheduler (register a kind, enqueue; `runDue()` runs what is due now). */
  jobs: JobScheduler;
  /** Drains the modules (child processes), closes the server, then closes the modules in reverse order. */
  close(): Promise<void>;
}

export interface RuntimeOptions extends ModuleListOptions {
  clock?: Clock;
}

/** Calls every module's onListening once the server listens (workers dial back to its address). */
function announceListening(app: App, started: StartedModules<Started>): void {
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (!address || typeof address !== 'object') return;
    for (const module of started.modules) module.onListening?.({ port: address.port, host: address.address });
  });
}

/** What the runtime exposes of the started modules (main.ts, the CLI and tests read these). */
function runtimeView(started: StartedModules<Started>, app: App, close: () => Promise<void>): Runtime {
  const { db, stores } = started.get('database');
  const accounts = started.get('accounts');
  const voice = started.get('voice');
  return {
    ...{ app, db, stores, services: accounts.services, firstAdmin: accounts.firstAdmin },
    llm: started.get('llm').services,
    generatedSecrets: started.modules.flatMap((m) => m.generatedFiles ?? []),
    speech: started.get('speech').runtime,
    processes: started.get('processes'),
    gsm: started.find('gsm')?.channel ?? null,
    ...{ voice: voice.voice, notifier: voice.notifier, settings: started.get('settings').service },
    notifications: started.get('notifications'),
    payments: started.find('payments')?.payments ?? null,
    jobs: started.get('jobs').scheduler,
    close,
  };
}

/** Starts the module list (modules/index.ts) and builds the app on it (not yet listening). */
export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const parts = { config, logger, clock: options.clock ?? systemClock, metrics: createMetricsRegistry() };
  const started = await startModules(moduleList(options), parts);
  let app: App;
  try {
    app = await buildApp({
      config,
      logger,
      services: started.get('accounts').services,
      metrics: parts.metrics,
      modules: started.modules,
    });
  } catch (error) {
    await started.drain().catch(() => undefined);
    await started.close().catch(() => undefined);
    throw error;
  }
  announceListening(app, started);
  const close = async () => {
    try {
      await started.drain();
    } finally {
      try {
        await app.close();
      } finally {
        await started.close();
      }
    }
  };
  return runtimeView(started, app, close);
}
