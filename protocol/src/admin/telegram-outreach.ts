import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Step = Type.String({ minLength: 1, maxLength: 64 });
const Segment = Type.String({ minLength: 1, maxLength: 32 });
const MessageText = Type.String({ minLength: 1, maxLength: 4096 });
const ButtonText = Type.String({ minLength: 1, maxLength: 64 });

/** "N hours after the last activity in step X and/or segment Y, send M with a button back into the funnel, at most K times." */
const FollowupRuleFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** The funnel step the subscriber is on (null: any; a rule needs a step, a segment or both). */
  step: Nullable(Step),
  segment: Nullable(Segment),
  afterHours: Type.Integer({ minimum: 1, maximum: 720 }),
  text: MessageText,
  /** The button's label; pressing it sends `funnel:resume` (back into the funnel). */
  buttonText: ButtonText,
  maxTimes: Type.Integer({ minimum: 1, maximum: 20 }),
  enabled: Type.Boolean(),
};

export const CreateFollowupRuleRequest = StrictObject({
  name: FollowupRuleFields.name,
  step: Type.Optional(FollowupRuleFields.step),
  segment: Type.Optional(FollowupRuleFields.segment),
  afterHours: FollowupRuleFields.afterHours,
  text: FollowupRuleFields.text,
  buttonText: FollowupRuleFields.buttonText,
  maxTimes: Type.Optional(FollowupRuleFields.maxTimes),
  enabled: Type.Optional(FollowupRuleFields.enabled),
});
export type CreateFollowupRuleRequest = Static<typeof CreateFollowupRuleRequest>;

export const UpdateFollowupRuleRequest = Type.Partial(CreateFollowupRuleRequest, { additionalProperties: false });
export type UpdateFollowupRuleRequest = Static<typeof UpdateFollowupRuleRequest>;

export const FollowupRuleView = StrictObject({
  id: Type.String(),
  ...FollowupRuleFields,
  /** Follow-ups of this rule delivered (or, after a crash, recorded as sent) and answered. */
  sent: Type.Integer(),
  answered: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type FollowupRuleView = Static<typeof FollowupRuleView>;

const BroadcastFields = {
  text: MessageText,
  buttonText: Nullable(ButtonText),
  /** A link button; with a button text and no link the button goes back into the funnel. */
  buttonUrl: Nullable(Type.String({ pattern: '^https?://', maxLength: 500 })),
  /** Only this segment's active subscribers (null: all active subscribers). */
  segment: Nullable(Segment),
};

export const CreateBroadcastRequest = StrictObject({
  text: BroadcastFields.text,
  buttonText: Type.Optional(BroadcastFields.buttonText),
  buttonUrl: Type.Optional(BroadcastFields.buttonUrl),
  segment: Type.Optional(BroadcastFields.segment),
});
export type CreateBroadcastRequest = Static<typeof CreateBroadcastRequest>;

export const UpdateBroadcastRequest = Type.Partial(CreateBroadcastRequest, { additionalProperties: false });
export type UpdateBroadcastRequest = Static<typeof UpdateBroadcastRequest>;

export const BroadcastStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('sending'),
  Type.Literal('done'),
  Type.Literal('cancelled'),
]);

export const BroadcastProgress = StrictObject({
  total: Type.Integer(),
  pending: Type.Integer(),
  sending: Type.Integer(),
  sent: Type.Integer(),
  /** A process died between the intent and Telegram's answer: counted as sent, never sent again. */
  unconfirmed: Type.Integer(),
  blocked: Type.Integer(),
  failed: Type.Integer(),
  /** Recipients that needed more than one attempt (429 retry_after, retried failures). */
  retried: Type.Integer(),
});
export type BroadcastProgress = Static<typeof BroadcastProgress>;

export const BroadcastView = StrictObject({
  id: Type.String(),
  ...BroadcastFields,
  status: BroadcastStatus,
  /** Active subscribers it reaches (drafts: now; started: its recipients). */
  audience: Type.Integer(),
  progress: BroadcastProgress,
  testedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type BroadcastView = Static<typeof BroadcastView>;

export const BroadcastTestResult = StrictObject({
  items: Type.Array(StrictObject({ chatId: Type.Integer(), ok: Type.Boolean(), error: Nullable(Type.String()) })),
});
export type BroadcastTestResult = Static<typeof BroadcastTestResult>;
