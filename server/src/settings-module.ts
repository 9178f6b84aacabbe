import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import type { ScheduleSource } from './core/gsm/call-policy.js';
import type { PersonaVariableOverrides } from './core/llm/personas.js';
import { parseBusinessHours } from './core/settings/business-hours.js';
import { createSettingsService, type SettingsService } from './core/settings/settings-service.js';
import type { BusinessSettings, SettingsStore } from './core/settings/types.js';
import { settingsRoutes } from './routes/admin/settings/index.js';

export interface SettingsModule {
  service: SettingsService;
  admin: { prefix: string; plugin: FastifyPluginAsyncTypebox };
  personaOverrides: () => PersonaVariableOverrides;
  /** Opening hours for every channel: the saved hours in the saved zone, else the environment's. */
  schedule: ScheduleSource;
  /** Voice sessions: saved language and greeting, or null (VOICE_LANGUAGE and built-in phrases). */
  voice: () => { greeting: string; language: string } | null;
  /** The call language for the voice persona route. */
  language: () => string;
}

/** The environment's values, in force until an admin saves the Settings page. */
export function settingsDefaults(config: Config): BusinessSettings {
  return {
    businessName: '',
    timezone: config.gsm.timeZone,
    businessHours: parseBusinessHours(config.gsm.businessHours),
    greeting: '',
    defaultLanguage: config.voiceLanguage.toLowerCase().startsWith('ru') ? 'ru' : 'en',
  };
}

/** Business settings: the service, its admin routes, and the readers other modules take. */
export async function createSettingsModule(deps: {
  config: Config;
  store: SettingsStore;
  clock: Clock;
}): Promise<SettingsModule> {
  const service = createSettingsService({
    store: deps.store,
    clock: deps.clock,
    defaults: settingsDefaults(deps.config),
  });
  await service.load();
  const saved = () => {
    const current = service.current();
    return current.saved ? current : null;
  };
  return {
    service,
    admin: { prefix: '/settings', plugin: settingsRoutes(service) },
    personaOverrides: () => service.personaVariables(),
    schedule: () => {
      const s = service.current();
      return { hours: s.businessHours, timeZone: s.timezone };
    },
    voice: () => {
      const s = saved();
      return s && { greeting: s.greeting, language: s.defaultLanguage };
    },
    language: () => saved()?.defaultLanguage ?? deps.config.voiceLanguage,
  };
}
