import { createGsmChannel, loadGreetingHandler, type GsmChannel } from '../channels/gsm/index.js';
import { smsAutoReplyFromConfig } from '../channels/gsm/llm-sms-reply.js';
import { gsmRoutes } from '../routes/admin/gsm/index.js';
import { createVoiceCallHandler, withFallbackHandler } from '../channels/gsm/voice-call-handler.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface GsmModule extends Module {
  channel: GsmChannel;
}

/** The SIM7600 channel: calls through the voice engine (the greeting handler when it cannot talk), SMS. */
export const gsmModule: ModuleDefinition<Started, 'gsm'> = {
  name: 'gsm',
  enabled: (config) => config.gsm.enabled,
  async start({ config, logger, metrics, get }) {
    const voice = get('voice');
    const handler = withFallbackHandler(
      createVoiceCallHandler({
        startSession: voice.voice.startSession,
        businessName: () => get('settings').service.current().businessName,
      }),
      loadGreetingHandler(config),
      () => voice.canTalk(),
    );
    const channel = await createGsmChannel({
      ...{ config, logger, metrics, handler, stores: get('database').stores },
      autoReply: smsAutoReplyFromConfig(config, get('llm').services.router),
      schedule: get('settings').schedule,
    });
    return {
      name: 'gsm',
      channel,
      readiness: [channel.readiness],
      routes: { api: [{ prefix: '/gsm', plugin: gsmRoutes(channel.service) }] },
      close: () => channel.close(),
    };
  },
};
