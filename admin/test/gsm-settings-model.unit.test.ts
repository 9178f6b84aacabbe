import type { GsmSmsView, SettingsView } from '@ai-secretary/protocol';
import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { groupMetrics, groupThreads, isLive, metricColumns } from '../src/views/gsm/gsm-model.js';
import { officeWeek, toDraft, toRequest } from '../src/views/settings/settings-form.js';

const sms = (id: string, number: string, createdAt: string, direction: 'in' | 'out' = 'out'): GsmSmsView => ({
  id,
  direction,
  number,
  text: id,
  status: direction === 'in' ? 'received' : 'sent',
  parts: 1,
  error: null,
  createdAt,
  sentAt: null,
  deliveredAt: null,
});

describe('GSM view model', () => {
  it('splits turn metrics from whole-call metrics, turns in order', () => {
    const grouped = groupMetrics({
      ringToFirstAudioMs: 80,
      'turn2.sttFinalMs': 5,
      'turn1.sttFinalMs': 7,
      'turn1.voiceToVoiceMs': 400,
      'turn10.llmTtftMs': 3,
    });
    expect(grouped.call).toEqual({ ringToFirstAudioMs: 80 });
    expect(grouped.turns.map((t) => t.turn)).toEqual([1, 2, 10]);
    expect(grouped.turns[0]!.values).toEqual({ sttFinalMs: 7, voiceToVoiceMs: 400 });
    expect(metricColumns(grouped.turns)).toEqual(['sttFinalMs', 'voiceToVoiceMs', 'llmTtftMs']);
  });

  it('groups SMS into threads by number: newest thread first, messages oldest first', () => {
    const threads = groupThreads([
      sms('c', '+2', '2026-11-21T10:05:00.000Z', 'in'),
      sms('a', '+1', '2026-11-21T10:00:00.000Z'),
      sms('d', '+1', '2026-11-21T10:09:00.000Z', 'in'),
      sms('b', '+1', '2026-11-21T10:01:00.000Z'),
    ]);
    expect(threads.map((t) => t.number)).toEqual(['+1', '+2']);
    expect(threads[0]!.messages.map((m) => m.id)).toEqual(['a', 'b', 'd']);
    expect(threads[0]!.lastAt).toBe('2026-11-21T10:09:00.000Z');
    expect(groupThreads([])).toEqual([]);
  });

  it('treats ringing, dialing and active calls as live', () => {
    expect(['ringing', 'dialing', 'active'].every((status) => isLive({ status }))).toBe(true);
    expect(['ended', 'missed', 'failed', 'rejected'].some((status) => isLive({ status }))).toBe(false);
  });
});

describe('settings form', () => {
  const view: SettingsView = {
    businessName: ' Acme ',
    timezone: 'Europe/Moscow',
    businessHours: null,
    greeting: '',
    defaultLanguage: 'ru',
    saved: false,
    updatedAt: null,
  };

  it('offers office hours when "always open" is turned off, and sends null while it is on', () => {
    const draft = toDraft(view);
    expect(draft.alwaysOpen).toBe(true);
    expect(draft.hours).toEqual(officeWeek());
    expect(toRequest(draft)).toEqual({
      businessName: 'Acme',
      timezone: 'Europe/Moscow',
      businessHours: null,
      greeting: '',
      defaultLanguage: 'ru',
    });
    draft.alwaysOpen = false;
    draft.hours.sat.push({ open: '10:00', close: '14:00' });
    const body = toRequest(draft);
    expect(body.businessHours?.mon).toEqual([{ open: '09:00', close: '18:00' }]);
    expect(body.businessHours?.sat).toEqual([{ open: '10:00', close: '14:00' }]);
    expect(body.businessHours?.sun).toEqual([]);
  });

  it('builds the request from a reactive draft (as the page holds it)', () => {
    const draft = reactive(toDraft({ ...view, businessHours: officeWeek() }));
    expect(toRequest(draft).businessHours).toEqual(officeWeek());
  });

  it('copies the hours, so editing the draft does not change the loaded view', () => {
    const hours = { ...officeWeek(), sun: [{ open: '12:00', close: '13:00' }] };
    const draft = toDraft({ ...view, businessHours: hours });
    draft.hours.sun[0]!.open = '11:00';
    expect(hours.sun[0]!.open).toBe('12:00');
    expect(draft.alwaysOpen).toBe(false);
  });
});
