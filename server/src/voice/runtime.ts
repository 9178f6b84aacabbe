import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import { webVoiceRoutes } from '../channels/web-voice/index.js';
import type { Config } from '../config.js';
import type { AuthService } from '../core/auth/auth-service.js';
import { createMessagesService, type MessagesService } from '../core/messages/messages-service.js';
import { createWebhookDispatcher } from '../core/messages/webhooks.js';
import { createOutboundPolicy } from '../core/net/outbound-policy.js';
import { createHttpFetch } from '../llm-providers/http-fetch.js';
import type { SecretBox } from '../core/secrets/secret-box.js';
import { createPhraseCache } from '../core/voice/output.js';
import { phrasesFor } from '../core/voice/phrases.js';
import type {
  FaqPort,
  HttpToolsPort,
  KnowledgePort,
  LlmPort,
  SpeechHealthPort,
  SttPort,
  TtsPort,
  VadPort,
} from '../core/voice/ports.js';
import { createVoiceSession } from '../core/voice/session.js';
import type { VoiceSession, VoiceSessionOptions } from '../core/voice/session-types.js';
import type { Stores } from '../db/stores/index.js';
import type { Logger } from '../logger.js';
import { conversationRoutes } from '../routes/admin/conversations/index.js';
import { messageRoutes } from '../routes/admin/messages/index.js';
import { webhookRoutes } from '../routes/admin/webhooks/index.js';
import { widgetTokenRoutes } from '../routes/admin/widget-tokens/index.js';
import { createWidgetTokensService, type WidgetTokensService } from '../core/widget-tokens/widget-tokens-service.js';
import { createVoiceMetrics } from './metrics.js';

/** What the speech worker and LLM router adapters provide (docs/voice.md, "Ports"). */
export interface VoicePorts {
  vad: VadPort;
  stt: SttPort;
  llm: LlmPort;
  tts: TtsPort;
  faq?: FaqPort;
  knowledge?: KnowledgePort;
  httpTools?: HttpToolsPort;
  speechHealth?: SpeechHealthPort;
  transfer?: (target: string, signal: AbortSignal) => Promise<boolean>;
}

export type StartVoiceSession = (
  options: Pick<VoiceSessionOptions, 'input' | 'channel' | 'caller' | 'outputSampleRateHz' | 'signal'> &
    Partial<VoiceSessionOptions> & {
      /** The conversation's id (GSM uses its call id, linking the call record and the conversation). */
      conversationId?: string;
    },
) => VoiceSession;

export interface VoiceWiringDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  secrets: SecretBox;
  auth: AuthService;
  registry: Registry;
  clock: () => number;
  /** The speech-worker and LLM-router adapters (voice/adapters) or fakes. */
  ports: VoicePorts;
  /** Settings-page greeting and language, read when a session starts; null until saved. */
  business?: () => { greeting: string; language: string } | null;
}

function sessionDefaults(config: Config): Partial<VoiceSessionOptions> {
  return {
    language: config.voiceLanguage,
    endpointing: { trailingSilenceMs: config.voiceTrailingSilenceMs, maxUtteranceMs: config.voiceMaxUtteranceS * 1000 },
    bargeInMinSpeechMs: config.voiceBargeInMinMs,
    silencePromptMs: config.voiceSilencePromptS * 1000,
    maxCallMs: config.voiceMaxCallS * 1000,
    speechRecoveryTimeoutMs: config.voiceSpeechRecoveryS * 1000,
    watchdogMs: config.voiceWatchdogS * 1000,
  };
}

/** The saved language and greeting (the greeting replaces the built-in first phrase). */
function businessOptions(business: VoiceWiringDeps['business']): Partial<VoiceSessionOptions> {
  const saved = business?.();
  if (!saved) return {};
  const greeting = saved.greeting ? { greeting: saved.greeting } : {};
  return { language: saved.language, phrases: { ...phrasesFor(saved.language), ...greeting } };
}

/** Messages, webhooks and conversations admin routes, the voice engine and /ws/voice. */
export function createVoiceWiring(deps: VoiceWiringDeps) {
  const { stores, config } = deps;
  const outbound = createOutboundPolicy({ allow: config.outboundAllow });
  const messages: MessagesService = createMessagesService({
    outbound,
    messages: stores.messages,
    conversations: stores.conversations,
    webhooks: stores.webhooks,
    secrets: deps.secrets,
    clock: deps.clock,
  });
  const notifier = createWebhookDispatcher({
    store: stores.webhooks,
    secrets: deps.secrets,
    clock: deps.clock,
    timeoutMs: config.webhookTimeoutMs,
    attempts: config.webhookAttempts,
    logger: deps.logger,
    fetch: createHttpFetch({ maxSockets: 16, policy: outbound }),
  });
  const adminExtra: Array<{ prefix: string; plugin: FastifyPluginAsyncTypebox }> = [
    { prefix: '/messages', plugin: async (app) => app.register(messageRoutes, { messages }) },
    { prefix: '/webhooks', plugin: async (app) => app.register(webhookRoutes, { messages }) },
    { prefix: '/conversations', plugin: async (app) => app.register(conversationRoutes, { messages }) },
  ];
  const widgetTokens = createWidgetTokensService({ store: stores.widgetTokens, clock: deps.clock });
  adminExtra.push({
    prefix: '/widget-tokens',
    plugin: async (app) => app.register(widgetTokenRoutes, { widgetTokens }),
  });
  const voice = createVoiceRuntime({ ...deps, notifier, widgetTokens });
  return { messages, notifier, voice, widgetTokens, adminExtra, rootExtra: [voice.routes] };
}

/** One per process: sessions share the phrase cache and the Prometheus metrics. */
export function createVoiceRuntime(
  deps: VoiceWiringDeps & { notifier: ReturnType<typeof createWebhookDispatcher>; widgetTokens: WidgetTokensService },
) {
  const metrics = createVoiceMetrics(deps.registry);
  const phraseCache = createPhraseCache(deps.ports.tts);
  const defaults = sessionDefaults(deps.config);
  const startSession: StartVoiceSession = ({ conversationId, ...options }) => {
    const session = createVoiceSession(
      {
        ...deps.ports,
        ...(conversationId === undefined ? {} : { newId: () => conversationId }),
        store: deps.stores.conversations,
        notifier: deps.notifier,
        phraseCache,
        logger: deps.logger,
        clock: deps.clock,
      },
      { ...defaults, ...businessOptions(deps.business), ...options },
    );
    metrics.track(session, options.channel);
    return session;
  };
  const routes = webVoiceRoutes({ auth: deps.auth, widgetTokens: deps.widgetTokens, startSession });
  return { startSession, routes };
}

export type VoiceRuntime = ReturnType<typeof createVoiceRuntime>;
