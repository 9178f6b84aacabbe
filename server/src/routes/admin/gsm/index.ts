import fs from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminErrorBody,
  GsmAtRequest,
  GsmAtResponse,
  GsmCallView,
  GsmDialRequest,
  GsmDtmfRequest,
  GsmSendSmsRequest,
  GsmSimulateCallRequest,
  GsmSimulateSmsRequest,
  GsmSmsView,
  GsmStatusView,
  IdParams,
  Ok,
  Paged,
  Pagination,
  StrictObject,
} from '@ai-secretary/protocol';
import { toIso } from '../../../core/clock.js';
import type { GsmService } from '../../../core/gsm/gsm-service.js';
import type { GsmCallRecord, GsmSmsRecord } from '../../../core/gsm/store-types.js';
import { ConflictError, NotFoundError } from '../../../errors.js';

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
  502: AdminErrorBody,
  503: AdminErrorBody,
};
const tags = ['gsm'];

function callView(record: GsmCallRecord): GsmCallView {
  return {
    id: record.id,
    direction: record.direction,
    number: record.number,
    status: record.status,
    task: record.task,
    startedAt: toIso(record.startedAt),
    answeredAt: toIso(record.answeredAt),
    endedAt: toIso(record.endedAt),
    endReason: record.endReason,
    dtmf: record.dtmf,
    transcript: record.transcript,
    metrics: record.metrics,
    recordings: {
      caller: record.recordingCaller ? `/api/gsm/calls/${record.id}/recording?side=caller` : null,
      secretary: record.recordingSecretary ? `/api/gsm/calls/${record.id}/recording?side=secretary` : null,
    },
  };
}

function smsView(record: GsmSmsRecord): GsmSmsView {
  return {
    id: record.id,
    direction: record.direction,
    number: record.number,
    text: record.text,
    status: record.status,
    parts: record.parts,
    error: record.error,
    createdAt: toIso(record.createdAt),
    sentAt: toIso(record.sentAt),
    deliveredAt: toIso(record.deliveredAt),
    autoReply: record.autoReply,
  };
}

/** /api/gsm: modem status, calls, SMS, the raw AT console and (simulated modem only) far-end controls. */
export function gsmRoutes(gsm: GsmService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/status',
      { config: { access: 'authenticated' }, schema: { tags, response: { 200: GsmStatusView, ...errors } } },
      async () => {
        const { sinceMs, ...status } = gsm.status();
        return {
          ...status,
          mode: status.simulated ? ('simulated' as const) : ('hardware' as const),
          since: toIso(sinceMs),
        };
      },
    );

    app.get(
      '/calls',
      {
        config: { access: 'authenticated' },
        schema: { tags, querystring: StrictObject(Pagination), response: { 200: Paged(GsmCallView), ...errors } },
      },
      async (request) => {
        const { items, total } = await gsm.listCalls({
          limit: request.query.limit ?? 50,
          offset: request.query.offset ?? 0,
        });
        return { items: items.map(callView), total };
      },
    );

    app.get(
      '/calls/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags, params: IdParams, response: { 200: GsmCallView, ...errors } },
      },
      async (request) => callView(await gsm.getCall(request.params.id)),
    );

    app.get(
      '/calls/:id/recording',
      {
        config: { access: 'user' },
        schema: {
          tags,
          params: IdParams,
          querystring: StrictObject({ side: Type.Union([Type.Literal('caller'), Type.Literal('secretary')]) }),
        },
      },
      async (request, reply) => {
        const file = await gsm.recordingPath(request.params.id, request.query.side);
        if (!file) throw new NotFoundError('Recording');
        return reply.type('audio/wav').send(fs.createReadStream(file));
      },
    );

    app.post(
      '/calls',
      {
        config: { access: 'user', audit: 'gsm.call.dial' },
        schema: { tags, body: GsmDialRequest, response: { 201: GsmCallView, ...errors } },
      },
      async (request, reply) =>
        reply.status(201).send(callView(await gsm.dial(request.body.number, request.body.task ?? null))),
    );

    const callAction = (action: 'answer' | 'hangup') =>
      app.post(
        `/calls/:id/${action}`,
        {
          config: { access: 'user', audit: `gsm.call.${action}` },
          schema: { tags, params: IdParams, response: { 200: Ok, ...errors } },
        },
        async (request) => {
          await gsm[action](request.params.id);
          return { ok: true as const };
        },
      );
    callAction('answer');
    callAction('hangup');

    app.post(
      '/calls/:id/dtmf',
      {
        config: { access: 'user', audit: 'gsm.call.dtmf' },
        schema: { tags, params: IdParams, body: GsmDtmfRequest, response: { 200: Ok, ...errors } },
      },
      async (request) => {
        await gsm.sendDtmf(request.params.id, request.body.digits);
        return { ok: true as const };
      },
    );

    app.get(
      '/sms',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          querystring: StrictObject({
            ...Pagination,
            direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
          }),
          response: { 200: Paged(GsmSmsView), ...errors },
        },
      },
      async (request) => {
        const { limit = 50, offset = 0, direction } = request.query;
        const { items, total } = await gsm.listSms({ limit, offset, direction });
        return { items: items.map(smsView), total };
      },
    );

    app.post(
      '/sms',
      {
        config: { access: 'user', audit: 'gsm.sms.send' },
        schema: { tags, body: GsmSendSmsRequest, response: { 201: GsmSmsView, ...errors } },
      },
      async (request, reply) => reply.status(201).send(smsView(await gsm.sendSms(request.body.to, request.body.text))),
    );

    app.post(
      '/at',
      {
        config: { access: 'admin', audit: 'gsm.at_command' },
        schema: { tags, body: GsmAtRequest, response: { 200: GsmAtResponse, ...errors } },
      },
      async (request) => gsm.runAt(request.body.command, request.body.timeoutMs ?? 5000),
    );

    const simulator = () => {
      if (!gsm.simulator) throw new ConflictError('Only available with the simulated modem');
      return gsm.simulator;
    };
    app.post(
      '/simulator/incoming-call',
      {
        config: { access: 'admin', audit: 'gsm.simulator.call' },
        schema: { tags, body: GsmSimulateCallRequest, response: { 200: Ok, ...errors } },
      },
      async (request) => (simulator().incomingCall(request.body.number), { ok: true as const }),
    );
    app.post(
      '/simulator/hangup',
      {
        config: { access: 'admin', audit: 'gsm.simulator.hangup' },
        schema: { tags, response: { 200: Ok, ...errors } },
      },
      async () => (simulator().hangup(), { ok: true as const }),
    );
    app.post(
      '/simulator/sms',
      {
        config: { access: 'admin', audit: 'gsm.simulator.sms' },
        schema: { tags, body: GsmSimulateSmsRequest, response: { 200: Ok, ...errors } },
      },
      async (request) => (simulator().incomingSms(request.body.from, request.body.text), { ok: true as const }),
    );
  };
}
