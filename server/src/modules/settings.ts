import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { ScheduleSource } from '../core/gsm/call-policy.js';
import type { PersonaVariableOverrides } from '../core/llm/personas.js';
import { parseBusinessHours } from '../core/settings/business-hours.js';
import { createSettingsService, type SettingsService } from '../core/settings/settings-service.js';
import type { BusinessSettings, SettingsStore } from '../core/settings/types.js';
import { settingsRoutes } from '../routes/admin/settings/index.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface SettingsModule extends Module {
  service: SettingsService;
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
    name: 'settings',
    service,
    routes: { api: [{ prefix: '/settings', plugin: settingsRoutes(service) }] },
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

/** Business name, time zone, opening hours, greeting and language: one home, read by every channel. */
export const settingsModule: ModuleDefinition<Started, 'settings'> = {
  name: 'settings',
  start: ({ config, clock, get }) => createSettingsModule({ config, store: get('database').stores.settings, clock }),
};
