import { createHash } from 'node:crypto';
import type { PaymentList } from '@ai-secretary/protocol';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

/** The admin API under /api/telegram, with the payments list. */
export function paymentsApi(rt: TestRuntime, admin: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    rt.app.inject({
      method,
      url: `/api/telegram${url}`,
      headers: bearer(admin),
      ...(payload === undefined ? {} : { payload }),
    });
  return {
    call,
    async list(query = ''): Promise<PaymentList> {
      const res = await call('GET', `/payments${query}`);
      if (res.statusCode !== 200) throw new Error(`payments: ${res.statusCode} ${res.body}`);
      return res.json<PaymentList>();
    },
  };
}

/** A notification as a YooMoney wallet sends it, signed with `secret` (unless `sha1_hash` is given). */
export function yoomoneyNotification(secret: string, fields: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = {
    notification_type: 'card-incoming',
    operation_id: '1234567',
    amount: '485.03',
    withdraw_amount: '499.00',
    currency: '643',
    datetime: '2026-12-04T03:00:00Z',
    sender: '',
    codepro: 'false',
    label: '',
    unaccepted: 'false',
    ...fields,
  };
  const signed = ['notification_type', 'operation_id', 'amount', 'currency', 'datetime', 'sender', 'codepro'];
  const line = [...signed.map((name) => all[name]), secret, all.label].join('&');
  return { sha1_hash: createHash('sha1').update(line).digest('hex'), ...all };
}

export function postForm(rt: TestRuntime, url: string, fields: Record<string, string>) {
  return rt.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}
