import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/**
 * A bot's sales funnel as data: steps a subscriber walks by buttons and free text, segments computed from their
 * answers, offers per segment. Step ids are short (they travel in callback data, which Telegram caps at 64 bytes).
 * The shape is checked here; what a schema cannot say (every `next` exists, no branch loop) is checked by the
 * server before a draft is saved.
 */

export const FunnelStepId = Type.String({ pattern: '^[a-z0-9_-]{1,32}$' });
/** An answer's key (`name`, `phone`, `tech`): letters, digits, `_`. */
export const FunnelField = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' });
export const FunnelSegment = Type.String({ pattern: '^[a-z0-9_-]{1,32}$' });

/** A text in both languages; the one of the subscriber's language is sent, the other when it is empty. */
export const FunnelText = StrictObject({
  ru: Type.String({ maxLength: 4000 }),
  en: Type.String({ maxLength: 4000 }),
});
export type FunnelText = Static<typeof FunnelText>;

const Label = StrictObject({ ru: Type.String({ maxLength: 64 }), en: Type.String({ maxLength: 64 }) });

/** A/B variants of a step's text: each subscriber sees one, picked by a stable hash of the user. */
export const FunnelVariant = StrictObject({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,16}$' }),
  text: FunnelText,
});
export type FunnelVariant = Static<typeof FunnelVariant>;

const shown = {
  text: FunnelText,
  variants: Type.Optional(Type.Array(FunnelVariant, { minItems: 2, maxItems: 4 })),
};

export const FunnelButton = StrictObject({
  label: Label,
  /** Stored as the answer of the step's `field` when pressed. */
  value: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  next: FunnelStepId,
  /** Pressing it is the subscriber's consent (to be contacted, to the terms), stored with its time. */
  consent: Type.Optional(Type.Boolean()),
});
export type FunnelButton = Static<typeof FunnelButton>;

export const FunnelMessageStep = StrictObject({
  id: FunnelStepId,
  type: Type.Literal('message'),
  ...shown,
  /** The answer key a pressed button's `value` is stored under. */
  field: Type.Optional(FunnelField),
  buttons: Type.Array(FunnelButton, { maxItems: 8 }),
  /** Without buttons: the step shown right after this one. */
  next: Type.Optional(FunnelStepId),
});

export const FunnelCapture = Type.Union([
  Type.Literal('name'),
  Type.Literal('phone'),
  Type.Literal('email'),
  Type.Literal('text'),
]);
export type FunnelCapture = Static<typeof FunnelCapture>;

export const FunnelQuestionStep = StrictObject({
  id: FunnelStepId,
  type: Type.Literal('question'),
  ...shown,
  field: FunnelField,
  capture: FunnelCapture,
  /** Said when the answer does not fit the capture (a bad phone number); default texts otherwise. */
  invalid: Type.Optional(FunnelText),
  next: FunnelStepId,
});

/** One condition: the answer `field` (or `segment`) is one of `in`. */
export const FunnelCondition = StrictObject({
  field: Type.String({ pattern: '^([a-z][a-z0-9_]{0,31})$' }),
  in: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 }),
});
export type FunnelCondition = Static<typeof FunnelCondition>;

export const FunnelBranchStep = StrictObject({
  id: FunnelStepId,
  type: Type.Literal('branch'),
  /** The first rule whose conditions all hold decides; `otherwise` when none does. */
  rules: Type.Array(StrictObject({ when: Type.Array(FunnelCondition, { minItems: 1 }), next: FunnelStepId }), {
    maxItems: 20,
  }),
  otherwise: FunnelStepId,
});

export const FunnelLlmStep = StrictObject({
  id: FunnelStepId,
  type: Type.Literal('llm'),
  ...shown,
  /** What the model is told for this step (a system message before the user's words). */
  prompt: Type.String({ minLength: 1, maxLength: 4000 }),
  /** A button under the text that leaves the conversation for the next step. */
  next: Type.Optional(StrictObject({ label: Label, step: FunnelStepId })),
});

export const FunnelOfferStep = StrictObject({
  id: FunnelStepId,
  type: Type.Literal('offer'),
  ...shown,
  /** The product the payment button buys (`pay:<productId>`, handled by payments). */
  productId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,48}$' })),
  /** The price as shown, e.g. "4 900 ₽" (the product's own price is what is charged). */
  price: Type.Optional(Type.String({ maxLength: 64 })),
  payLabel: Type.Optional(Label),
  /** The "talk to a manager" button: a taken message to the owner. */
  managerLabel: Type.Optional(Label),
});

export const FunnelStep = Type.Union([
  FunnelMessageStep,
  FunnelQuestionStep,
  FunnelBranchStep,
  FunnelLlmStep,
  FunnelOfferStep,
]);
export type FunnelStep = Static<typeof FunnelStep>;
export type FunnelStepType = FunnelStep['type'];

export const FunnelSegmentRule = StrictObject({
  segment: FunnelSegment,
  when: Type.Array(FunnelCondition, { minItems: 1, maxItems: 20 }),
});
export type FunnelSegmentRule = Static<typeof FunnelSegmentRule>;

export const FunnelDefinition = StrictObject({
  start: FunnelStepId,
  steps: Type.Array(FunnelStep, { minItems: 1, maxItems: 200 }),
  /**
   * Segments from answers (e.g. tech level × infrastructure → diy / basic / custom): the first rule whose
   * conditions all hold; `otherwise` once every field the rules name is answered and none held.
   */
  segments: Type.Optional(
    StrictObject({
      rules: Type.Array(FunnelSegmentRule, { maxItems: 50 }),
      otherwise: Type.Optional(FunnelSegment),
    }),
  ),
});
export type FunnelDefinition = Static<typeof FunnelDefinition>;

export const TelegramFunnelView = StrictObject({
  botId: Type.String(),
  /** The draft being edited (null: none; the published version is edited into a new draft). */
  draft: Type.Union([StrictObject({ version: Type.Integer(), definition: FunnelDefinition }), Type.Null()]),
  published: Type.Union([
    StrictObject({
      version: Type.Integer(),
      definition: FunnelDefinition,
      publishedAt: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
});
export type TelegramFunnelView = Static<typeof TelegramFunnelView>;

export const SaveFunnelRequest = StrictObject({ definition: FunnelDefinition });
export type SaveFunnelRequest = Static<typeof SaveFunnelRequest>;

/** A button as a chat shows it: its callback data, or a link. */
export const FunnelOutButton = StrictObject({
  label: Type.String(),
  data: Type.Optional(Type.String({ maxLength: 64 })),
  url: Type.Optional(Type.String({ maxLength: 500 })),
});
export type FunnelOutButton = Static<typeof FunnelOutButton>;

/** One message the funnel sends: text and one button per row. */
export const FunnelOutMessage = StrictObject({
  text: Type.String({ maxLength: 4096 }),
  buttons: Type.Array(FunnelOutButton, { maxItems: 10 }),
});
export type FunnelOutMessage = Static<typeof FunnelOutMessage>;

/** Where a subscriber stands (the preview carries it between calls). */
export const FunnelPosition = StrictObject({
  step: Type.Union([FunnelStepId, Type.Null()]),
  answers: Type.Record(Type.String(), Type.String({ maxLength: 4000 })),
  segment: Type.Union([FunnelSegment, Type.Null()]),
});
export type FunnelPosition = Static<typeof FunnelPosition>;

export const FunnelInput = Type.Union([
  StrictObject({ kind: Type.Literal('start') }),
  StrictObject({ kind: Type.Literal('press'), data: Type.String({ minLength: 1, maxLength: 64 }) }),
  StrictObject({ kind: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: 4096 }) }),
]);
export type FunnelInput = Static<typeof FunnelInput>;

/** Walks a definition (the draft unless given) as a user would, without a chat or anything stored. */
export const FunnelPreviewRequest = StrictObject({
  definition: Type.Optional(FunnelDefinition),
  language: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  position: Type.Optional(FunnelPosition),
  input: FunnelInput,
});
export type FunnelPreviewRequest = Static<typeof FunnelPreviewRequest>;

export const FunnelPreviewResponse = StrictObject({
  messages: Type.Array(FunnelOutMessage),
  position: FunnelPosition,
  /** The text went to the model with this step's prompt (the preview does not call it). */
  llmPrompt: Type.Union([Type.String(), Type.Null()]),
});
export type FunnelPreviewResponse = Static<typeof FunnelPreviewResponse>;

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Number({ minimum: 0 });

/** Unique subscribers per stage; `conversion` is the share of those who started. */
const FunnelRow = {
  started: Count,
  segmented: Count,
  offered: Count,
  managers: Count,
  paid: Count,
  conversion: Rate,
};

export const FunnelAnalytics = StrictObject({
  botId: Type.String(),
  since: Type.String({ format: 'date-time' }),
  until: Type.String({ format: 'date-time' }),
  totals: StrictObject(FunnelRow),
  /** Per step: subscribers shown it, and who answered it (`conversion` = answered / shown). */
  steps: Type.Array(StrictObject({ step: Type.String(), shown: Count, answered: Count, conversion: Rate })),
  segments: Type.Array(StrictObject({ segment: Type.String(), ...FunnelRow })),
  sources: Type.Array(StrictObject({ source: Type.String(), ...FunnelRow })),
  days: Type.Array(StrictObject({ day: Type.String(), ...FunnelRow })),
  /** Per A/B variant of a step: shown, answered (an offer: paid or asked for a manager), conversion. */
  variants: Type.Array(
    StrictObject({ step: Type.String(), variant: Type.String(), shown: Count, answered: Count, conversion: Rate }),
  ),
});
export type FunnelAnalytics = Static<typeof FunnelAnalytics>;

export const FunnelAnalyticsQuery = StrictObject({
  /** ISO date-times; default: the last 30 days. */
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
});
export type FunnelAnalyticsQuery = Static<typeof FunnelAnalyticsQuery>;
