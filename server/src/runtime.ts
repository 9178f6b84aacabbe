import type { DataSource } from 'typeorm';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { loadKeyMaterial } from './core/secrets/key-material.js';
import { ensureFirstAdmin, type FirstAdminResult } from './core/users/first-admin.js';
import { databaseKind, openDatabase, pingDatabase } from './db/data-source.js';
import { createStores, type Stores } from './db/stores/index.js';
import { createGsmChannel, loadGreetingHandler, type GsmChannel } from './channels/gsm/index.js';
import { createMetricsRegistry } from './http/metrics.js';
import { createLlmModule, type LlmModule } from './llm-module.js';
import { createSpeechRuntime, type SpeechRuntime } from './speech/speech-runtime.js';
import { gsmRoutes } from './routes/admin/gsm/index.js';
import type { Logger } from './logger.js';
import { adminUiRoutes } from './routes/admin-ui/index.js';
import { createCoreServices, type CoreServices } from './services.js';
import { createSettingsModule, type SettingsModule } from './settings-module.js';
import type { MessageNotifier } from './core/voice/ports.js';
import { createVoiceWiring, type VoicePorts, type VoiceRuntime } from './voice/runtime.js';
import { createVoicePorts } from './voice/adapters/index.js';
import { smsAutoReplyFromConfig } from './channels/gsm/llm-sms-reply.js';
import { createVoiceCallHandler, withFallbackHandler } from './voice/gsm-call-handler.js';
import { createLiveFeed } from './core/dashboard/live-feed.js';
import { createLiveSources } from './live-sources.js';
import { eventsRoutes } from './routes/admin/events/index.js';

/** How often the dashboard feed re-reads the status while someone listens. */
const LIVE_FEED_INTERVAL_MS = 2_000;

export interface Runtime {
  app: App;
  db: DataSource;
  stores: Stores;
  services: CoreServices;
  llm: LlmModule['services'];
  firstAdmin: FirstAdminResult;
  generatedSecrets: string[];
  speech: SpeechRuntime;
  /** The GSM channel (null when GSM_ENABLED=false). */
  gsm: GsmChannel | null;
  /** The voice engine (speech workers + LLM router, or the `voicePorts` override). */
  voice: VoiceRuntime;
  /** Announces taken messages through the configured webhooks (any channel may use it). */
  notifier: MessageNotifier;
  /** Business settings (the panel's Settings page). */
  settings: SettingsModule['service'];
  /** Closes the server, child processes and the database, in that order. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  /** Replaces the speech-worker and LLM-router adapters (tests use fakes). */
  voicePorts?: VoicePorts;
}

/** Opens everything the orchestrator needs and builds the app (not yet listening). */
export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const db = await openDatabase({ url: config.databaseUrl, schema: config.databaseSchema, dataDir: config.dataDir });
  let speech: SpeechRuntime | undefined;
  let gsm: GsmChannel | null = null;
  try {
    const stores = createStores(db);
    const keys = await loadKeyMaterial(config.dataDir, config, stores.meta);
    const services = createCoreServices(config, stores, keys, clock);
    const firstAdmin = await ensureFirstAdmin(services.users, config.adminPassword);
    const readiness = [
      {
        name: `database:${databaseKind({ url: config.databaseUrl, dataDir: config.dataDir })}`,
        check: async () => ({ ok: await pingDatabase(db) }),
      },
    ];
    const metrics = createMetricsRegistry();
    const settings = await createSettingsModule({ config, store: stores.settings, clock });
    const llm = await createLlmModule({
      ...{ config, stores, secrets: services.secrets, metrics, logger, clock },
      personaOverrides: settings.personaOverrides,
    });
    speech = createSpeechRuntime(config.speech, config.dataDir, logger, config.logLevel);
    readiness.push(speech.readiness);
    const ports = options.voicePorts ?? createVoicePorts({ speech, llm: llm.services, language: settings.language });
    const voice = createVoiceWiring({
      ...{ config, logger, stores, registry: metrics, clock, ports },
      ...{ secrets: services.secrets, auth: services.auth, business: settings.voice },
    });
    const adminExtra = [...(llm.appDeps.adminExtra ?? []), speech.admin, ...voice.adminExtra, settings.admin];
    if (config.gsm.enabled) {
      const speechService = speech.service;
      const handler = withFallbackHandler(
        createVoiceCallHandler({ startSession: voice.voice.startSession }),
        loadGreetingHandler(config),
        () => options.voicePorts !== undefined || speechService.voices().length > 0,
      );
      const autoReply = smsAutoReplyFromConfig(config, llm.services.router);
      gsm = await createGsmChannel({
        config,
        logger,
        stores,
        metrics,
        handler,
        autoReply,
        schedule: settings.schedule,
      });
      readiness.push(gsm.readiness);
      adminExtra.push({ prefix: '/gsm', plugin: gsmRoutes(gsm.service) });
    }
    const liveSources = createLiveSources({ readiness, llm: llm.services, speech, gsm, dashboard: stores.dashboard });
    const onFeedError = (error: unknown) => logger.warn({ err: error }, 'live feed source failed');
    const feed = createLiveFeed({
      sources: liveSources,
      clock,
      intervalMs: LIVE_FEED_INTERVAL_MS,
      onError: onFeedError,
    });
    adminExtra.push({ prefix: '/events', plugin: eventsRoutes(feed) });
    const app = await buildApp({
      config,
      logger,
      services,
      metrics,
      readiness,
      modelCatalog: llm.appDeps.modelCatalog,
      adminExtra,
      v1Extra: [...(llm.appDeps.v1Extra ?? []), speech.v1],
      rootExtra: [adminUiRoutes(config.adminDistDir), speech.ws, ...voice.rootExtra],
    });
    const speechRuntime = speech;
    app.addHook('onListen', async () => {
      const address = app.server.address();
      if (address && typeof address === 'object')
        speechRuntime.onListening({ port: address.port, host: address.address });
    });
    const close = async () => {
      await speechRuntime.close();
      await app.close();
      await llm.close();
      await gsm?.close();
      await db.destroy();
    };
    const generatedSecrets = [...keys.generated, ...speech.generatedFiles];
    return {
      app,
      db,
      stores,
      services,
      llm: llm.services,
      firstAdmin,
      generatedSecrets,
      speech,
      gsm,
      voice: voice.voice,
      notifier: voice.notifier,
      settings: settings.service,
      close,
    };
  } catch (error) {
    await speech?.close();
    await gsm?.close();
    await db.destroy();
    throw error;
  }
}
