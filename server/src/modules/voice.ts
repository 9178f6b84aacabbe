import { httpToolsVoicePort } from '../core/http-tools/loop-tools.js';
import { knowledgeVoicePort } from '../core/knowledge/knowledge-turn.js';
import type { MessagesService } from '../core/messages/messages-service.js';
import type { WebhookDispatcher } from '../core/messages/webhooks.js';
import type { MessageNotifier } from '../core/voice/ports.js';
import type { WidgetTokensService } from '../core/widget-tokens/widget-tokens-service.js';
import { createVoicePorts, voiceRoute } from '../voice/adapters/index.js';
import { createVoiceWiring, type VoicePorts, type VoiceRuntime } from '../voice/runtime.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface VoiceModule extends Module {
  voice: VoiceRuntime;
  messages: MessagesService;
  /** Website widget tokens (the `widget` module's chat API checks them too). */
  widgetTokens: WidgetTokensService;
  /** Announces taken messages through the configured webhooks (any channel may use it). */
  notifier: MessageNotifier;
  /** Hears every taken message (owner notifications); the listener must not throw or block. */
  onMessageTaken: WebhookDispatcher['onMessageTaken'];
  /** Whether the engine can talk now (fake ports, or a worker with a voice); channels fall back otherwise. */
  canTalk(): boolean;
}

/**
 * The voice conversation engine (sessions on speech-worker and LLM-router ports, or `ports` given by tests),
 * taken messages, webhooks, conversations, widget tokens and `/ws/voice`.
 */
export function voiceModule(ports?: VoicePorts): ModuleDefinition<Started, 'voice'> {
  return {
    name: 'voice',
    async start({ config, logger, clock, metrics, get }) {
      const { stores } = get('database');
      const { services } = get('accounts');
      const settings = get('settings');
      const speech = get('speech').runtime;
      const llm = get('llm').services;
      // No conversation runs before this start: any without an outcome was cut by a crash.
      const interrupted = await stores.conversations.closeInterrupted(clock());
      if (interrupted > 0) logger.warn({ conversations: interrupted }, 'conversations left open by a crash closed');
      const wiring = createVoiceWiring({
        ...{ config, logger, stores, registry: metrics, clock },
        ports: {
          knowledge: knowledgeVoicePort({
            knowledge: get('knowledge').service,
            mode: () => config.knowledge.modeByPersona[voiceRoute(settings.language())] ?? config.knowledge.mode,
            tokenBudget: config.knowledge.toolTokenBudget,
          }),
          httpTools: httpToolsVoicePort(get('tools').service, () => voiceRoute(settings.language())),
          ...(ports ??
            createVoicePorts({
              speech,
              llm,
              language: settings.language,
              llmFirstTokenMs: config.voiceLlmFirstTokenMs,
            })),
        },
        ...{ secrets: services.secrets, auth: services.auth, business: settings.voice },
      });
      return {
        name: 'voice',
        voice: wiring.voice,
        messages: wiring.messages,
        widgetTokens: wiring.widgetTokens,
        notifier: wiring.notifier,
        onMessageTaken: wiring.notifier.onMessageTaken,
        canTalk: () => ports !== undefined || speech.service.voices().length > 0,
        routes: { api: wiring.adminExtra, root: wiring.rootExtra },
      };
    },
  };
}
