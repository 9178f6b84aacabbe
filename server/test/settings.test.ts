import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallPolicy } from '../src/core/gsm/call-policy.js';
import { scheduleFromSpec } from '../src/core/settings/business-hours.js';
import type { WeeklyHours } from '../src/core/settings/types.js';
import { createSettingsModule } from '../src/modules/settings.js';
import { createVoicePorts } from '../src/voice/adapters/index.js';
import { bearer, createTestDatabase, createTestRuntime } from './helpers/runtime.js';
import { startLlmHarness, type LlmHarness } from './llm/helpers.js';

const ENV = {
  GSM_TIMEZONE: 'Asia/Tokyo',
  GSM_BUSINESS_HOURS: 'mon-fri 09:00-18:00',
  VOICE_LANGUAGE: 'ru-RU',
};
const WEEKDAY = [
  { open: '09:00', close: '13:00' },
  { open: '14:00', close: '18:30' },
];
const HOURS: WeeklyHours = { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [], sun: [] };
const VALID = {
  businessName: 'Acme Plumbing',
  timezone: 'America/New_York',
  businessHours: HOURS,
  greeting: 'Acme Plumbing, good day!',
  defaultLanguage: 'en',
};

/** The system prompt the fake upstream received for the last chat. */
function lastSystemPrompt(h: LlmHarness): string {
  const messages = h.primary.requests.at(-1)?.body.messages as Array<{ role: string; content: string }>;
  return messages.find((m) => m.role === 'system')?.content ?? '';
}

describe('/api/settings', () => {
  let h: LlmHarness;
  beforeEach(async () => {
    h = await startLlmHarness({ env: ENV });
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts from the environment defaults', async () => {
    const view = await h.api('GET', '/api/settings');
    expect(view).toMatchObject({
      saved: false,
      updatedAt: null,
      businessName: '',
      timezone: 'Asia/Tokyo',
      greeting: '',
      defaultLanguage: 'ru',
    });
    expect(view.businessHours.mon).toEqual([{ open: '09:00', close: '18:00' }]);
    expect(view.businessHours.fri).toEqual([{ open: '09:00', close: '18:00' }]);
    expect(view.businessHours.sat).toEqual([]);
  });

  it('gives every channel one schedule: the environment hours until saved, then the saved week', async () => {
    const module = await createSettingsModule({ config: h.rt.config, store: h.rt.stores.settings, clock: Date.now });
    const before = module.schedule();
    expect(before.timeZone).toBe('Asia/Tokyo');
    expect(before.hours?.mon).toEqual([{ open: '09:00', close: '18:00' }]);
    expect(before.hours?.sun).toEqual([]);
    await module.service.update({ ...VALID, defaultLanguage: 'en' }, null);
    expect(module.schedule()).toEqual({ hours: HOURS, timeZone: 'America/New_York' });
  });

  it('refuses bad input with 400 in the admin error format and stores nothing', async () => {
    const bad: Array<Record<string, unknown>> = [
      { ...VALID, timezone: 'Mars/Olympus_Mons' },
      { ...VALID, timezone: '+03:00' },
      { ...VALID, timezone: '' },
      { ...VALID, defaultLanguage: 'de' },
      { ...VALID, businessHours: { ...HOURS, mon: [{ open: '18:00', close: '09:00' }] } },
      {
        ...VALID,
        businessHours: {
          ...HOURS,
          tue: [
            { open: '09:00', close: '12:00' },
            { open: '11:00', close: '13:00' },
          ],
        },
      },
      { ...VALID, businessHours: { ...HOURS, wed: [{ open: '9:00', close: '12:00' }] } },
      { ...VALID, businessHours: { ...HOURS, thu: [{ open: '25:00', close: '26:00' }] } },
      { ...VALID, businessHours: { mon: [] } },
      { ...VALID, greeting: 'x'.repeat(501) },
      { ...VALID, extra: true },
      { businessName: 'Only a name' },
    ];
    for (const body of bad) {
      const res = await h.rt.app.inject({
        method: 'PUT',
        url: '/api/settings',
        headers: bearer(h.admin),
        payload: body,
      });
      expect(res.statusCode, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message).toEqual(expect.any(String));
    }
    const tz = await h.rt.app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: bearer(h.admin),
      payload: { ...VALID, timezone: 'Mars/Olympus_Mons' },
    });
    expect(tz.json().error.message).toContain('IANA');
    expect((await h.api('GET', '/api/settings')).saved).toBe(false);
  });

  it('lets every role read, only admins write (audited)', async () => {
    for (const role of ['guest', 'user'] as const) {
      const { token } = await h.rt.createUser(role);
      const read = await h.rt.app.inject({ method: 'GET', url: '/api/settings', headers: bearer(token) });
      expect(read.statusCode).toBe(200);
      const write = await h.rt.app.inject({
        method: 'PUT',
        url: '/api/settings',
        headers: bearer(token),
        payload: VALID,
      });
      expect(write.statusCode, role).toBe(403);
      expect(write.json().error.code).toBe('FORBIDDEN');
    }
    expect((await h.rt.app.inject({ method: 'GET', url: '/api/settings' })).statusCode).toBe(401);
    expect((await h.api('GET', '/api/settings')).saved).toBe(false);

    const saved = await h.api('PUT', '/api/settings', { ...VALID, businessName: '  Acme Plumbing  ' });
    expect(saved).toMatchObject({ ...VALID, saved: true, updatedAt: expect.any(String) });
    expect(await h.api('GET', '/api/settings')).toEqual(saved);
    const audit = await h.api('GET', '/api/audit?action=settings.update');
    expect(audit.items.map((e: { statusCode: number }) => e.statusCode).sort()).toEqual([200, 403, 403]);
  });

  it('fills {business_name} and {timezone} of persona prompts once saved', async () => {
    await h.client.chat.completions.create({ model: 'secretary', messages: [{ role: 'user', content: 'hi' }] });
    expect(lastSystemPrompt(h)).toContain('our company');
    expect(lastSystemPrompt(h)).toContain('(UTC)');

    await h.api('PUT', '/api/settings', VALID);
    await h.client.chat.completions.create({ model: 'secretary', messages: [{ role: 'user', content: 'hi again' }] });
    expect(lastSystemPrompt(h)).toContain('Acme Plumbing');
    expect(lastSystemPrompt(h)).toContain('(America/New_York)');
    expect(lastSystemPrompt(h)).not.toContain('our company');

    // An empty business name leaves each persona's own; the zone still applies.
    await h.api('PUT', '/api/settings', { ...VALID, businessName: '', timezone: 'Asia/Kolkata' });
    await h.client.chat.completions.create({ model: 'secretary-ru', messages: [{ role: 'user', content: 'привет' }] });
    expect(lastSystemPrompt(h)).toContain('наша компания');
    expect(lastSystemPrompt(h)).toContain('(Asia/Kolkata)');
  });
});

describe('voice language from settings', () => {
  let h: LlmHarness;
  beforeEach(async () => {
    h = await startLlmHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('switches the voice persona with the saved language, on the next request', async () => {
    const module = await createSettingsModule({ config: h.rt.config, store: h.rt.stores.settings, clock: Date.now });
    const ports = createVoicePorts({ speech: h.rt.speech, llm: h.rt.llm, language: module.language });
    const ask = async () => {
      const request = { messages: [{ role: 'user' as const, content: 'hello' }], tools: [] };
      for await (const _event of ports.llm.stream(request, new AbortController().signal)) void _event;
      return lastSystemPrompt(h);
    };
    expect(await ask()).toContain('friendly secretary of our company');
    expect(module.voice()).toBeNull();
    const { defaultLanguage: _en, ...rest } = VALID;
    await module.service.update({ ...rest, defaultLanguage: 'ru', businessHours: null }, null);
    // The runtime's own settings are unsaved, so the Russian persona keeps its own business name.
    expect(await ask()).toContain('Вы — вежливый секретарь компании наша компания');
    expect(module.voice()).toEqual({ greeting: 'Acme Plumbing, good day!', language: 'ru' });
  });
});

describe('settings persistence', () => {
  it('keeps saved settings across a restart', async () => {
    const database = createTestDatabase();
    const first = await createTestRuntime({ database, keepDatabase: true });
    const put = await first.app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: bearer(await first.adminToken()),
      payload: VALID,
    });
    expect(put.statusCode).toBe(200);
    await first.dispose();
    const second = await createTestRuntime({ database });
    try {
      expect(second.settings.current()).toMatchObject({ ...VALID, saved: true });
    } finally {
      await second.dispose();
    }
  });
});

describe('GSM call policy with saved business hours', () => {
  // 2026-11-23 is a Monday.
  const at = (iso: string) => Date.parse(iso);
  const envHours = { allowList: [], blockList: [] };

  it('uses the saved week in the saved zone instead of GSM_BUSINESS_HOURS', () => {
    const policy = createCallPolicy(envHours, () => ({ hours: HOURS, timeZone: 'America/New_York' }));
    expect(policy('+100', at('2026-11-23T14:30:00Z'))).toBe('answer'); // 09:30 in New York
    expect(policy('+100', at('2026-11-23T18:30:00Z'))).toBe('ignore'); // 13:30: lunch break
    expect(policy('+100', at('2026-11-23T23:00:00Z'))).toBe('answer'); // 18:00 < 18:30
    expect(policy('+100', at('2026-11-23T23:30:00Z'))).toBe('ignore'); // 18:30: closed
    expect(policy('+100', at('2026-11-28T15:00:00Z'))).toBe('ignore'); // Saturday
  });

  it('answers at any time when the saved hours are null, and falls back to the env when unsaved', () => {
    expect(createCallPolicy(envHours, () => ({ hours: null, timeZone: 'UTC' }))('+1', at('2026-11-28T03:00:00Z'))).toBe(
      'answer',
    );
    const unsaved = createCallPolicy(envHours, () => scheduleFromSpec('mon-fri 09:00-18:00', 'UTC'));
    expect(unsaved('+1', at('2026-11-28T12:00:00Z'))).toBe('ignore');
    expect(unsaved('+1', at('2026-11-23T12:00:00Z'))).toBe('answer');
  });
});
