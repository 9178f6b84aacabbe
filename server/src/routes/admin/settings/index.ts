import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminErrorBody, SettingsView, UpdateSettingsRequest } from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import { principalOf } from '../principal.js';
import type { BusinessSettingsSnapshot, SettingsService } from '../../../core/settings/settings-service.js';

const errors = { 400: AdminErrorBody, 401: AdminErrorBody, 403: AdminErrorBody };
const tags = ['settings'];

function settingsView(snapshot: BusinessSettingsSnapshot): SettingsView {
  return { ...snapshot, updatedAt: toIso(snapshot.updatedAt) };
}

/** `/api/settings`: business name, time zone, hours, greeting, language (everyone reads, admins write). */
export function settingsRoutes(settings: SettingsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/',
      { config: { access: 'authenticated' }, schema: { tags, response: { 200: SettingsView, ...errors } } },
      async () => settingsView(settings.current()),
    );

    app.put(
      '/',
      {
        config: { access: 'admin', audit: 'settings.update' },
        schema: { tags, body: UpdateSettingsRequest, response: { 200: SettingsView, ...errors } },
      },
      async (request) => settingsView(await settings.update(request.body, principalOf(request).userId)),
    );
  };
}
