import { createWidgetChatService } from '../core/widget-chat/widget-chat-service.js';
import { createWidgetTranscript } from '../core/widget-chat/widget-transcript.js';
import { voiceRoute } from '../voice/adapters/index.js';
import { widgetApiRoutes } from '../routes/widget/index.js';
import { widgetScriptRoutes } from '../routes/widget/script.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

/**
 * The website widget: `GET /widget.js` (built into the admin dist folder) and its public chat API
 * `/api/widget/*`, authenticated by widget tokens and the page's Origin (docs/widget.md). Comes after `voice`
 * (widget tokens, taken messages and their webhooks).
 */
export const widgetModule: ModuleDefinition<Started, 'widget'> = {
  name: 'widget',
  async start({ config, clock, get }): Promise<Module> {
    const { stores } = get('database');
    const settings = get('settings');
    const llm = get('llm').services;
    const voice = get('voice');
    const chat = createWidgetChatService({
      widgetTokens: voice.widgetTokens,
      router: llm.router,
      memory: llm.memory,
      messages: stores.conversations,
      transcript: createWidgetTranscript({ store: stores.conversations }),
      notifier: voice.notifier,
      business: {
        name: () => settings.service.current().businessName,
        greeting: () => settings.service.current().greeting || null,
        language: () => settings.service.current().defaultLanguage,
        schedule: settings.schedule,
      },
      defaultRoute: voiceRoute,
      limits: config.widget,
      clock,
    });
    const routes = widgetApiRoutes({ chat, tokens: () => voice.widgetTokens.list(), canTalk: () => voice.canTalk() });
    return {
      name: 'widget',
      routes: {
        api: [{ prefix: '/widget', plugin: routes }],
        root: [widgetScriptRoutes(config.adminDistDir)],
      },
    };
  },
};
