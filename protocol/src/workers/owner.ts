import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/**
 * Owner commands: the owner of a bot (Discord `ownerUsers`, Telegram `adminUsers`) runs the secretary from a DM in
 * plain language; the model turns a request into one of these typed commands, which waits for the owner's Confirm
 * (a button) before it runs. The same schemas check the model's arguments and what is stored.
 */

/** E.164: a plus, then 7 to 15 digits, the first not 0. */
export const E164Number = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' });

export const SendSmsCommand = StrictObject({
  kind: Type.Literal('send_sms'),
  to: E164Number,
  /** What the SMS service sends at most (10 GSM-7 parts). */
  text: Type.String({ minLength: 1, maxLength: 1530 }),
});
export type SendSmsCommand = Static<typeof SendSmsCommand>;

export const MarkMessageHandledCommand = StrictObject({
  kind: Type.Literal('mark_message_handled'),
  messageId: Type.String({ minLength: 1, maxLength: 64 }),
  /** Who left it (shown in the confirmation). */
  from: Type.String({ maxLength: 200 }),
});
export type MarkMessageHandledCommand = Static<typeof MarkMessageHandledCommand>;

export const SetGreetingCommand = StrictObject({
  kind: Type.Literal('set_greeting'),
  greeting: Type.String({ minLength: 1, maxLength: 1000 }),
});
export type SetGreetingCommand = Static<typeof SetGreetingCommand>;

export const OwnerCommand = Type.Union([SendSmsCommand, MarkMessageHandledCommand, SetGreetingCommand]);
export type OwnerCommand = Static<typeof OwnerCommand>;

export const OwnerCommandStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('executed'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
  Type.Literal('failed'),
]);
export type OwnerCommandStatus = Static<typeof OwnerCommandStatus>;

const CommandId = Type.String({ minLength: 1, maxLength: 64 });
/** A Discord channel snowflake or a Telegram chat id, as a decimal string. */
const ChatRef = Type.String({ pattern: '^-?[0-9]{1,21}$' });

/** orchestrator → bot: show the owner a command waiting for confirmation, with Confirm / Cancel buttons. */
export const OwnerPromptMessage = StrictObject({
  type: Type.Literal('owner.prompt'),
  commandId: CommandId,
  chatId: ChatRef,
  text: Type.String({ minLength: 1, maxLength: 2000 }),
  confirmLabel: Type.String({ minLength: 1, maxLength: 80 }),
  cancelLabel: Type.String({ minLength: 1, maxLength: 80 }),
});
export type OwnerPromptMessage = Static<typeof OwnerPromptMessage>;

/** bot → orchestrator: someone pressed a button of a prompt (`owner:<id>:confirm|cancel`). */
export const OwnerPressMessage = StrictObject({
  type: Type.Literal('owner.press'),
  /** Matches the answer to this press. */
  pressId: Type.String({ minLength: 1, maxLength: 64 }),
  commandId: CommandId,
  action: Type.Union([Type.Literal('confirm'), Type.Literal('cancel')]),
  chatId: ChatRef,
  user: StrictObject({ id: Type.String({ pattern: '^[0-9]{1,21}$' }), name: Type.String({ maxLength: 256 }) }),
});
export type OwnerPressMessage = Static<typeof OwnerPressMessage>;

/**
 * orchestrator → bot: what the press did. `edit`: the prompt's text becomes `text` and its buttons go (the command
 * ran, was cancelled or expired); otherwise `text` is shown to the presser alone and the prompt stays.
 */
export const OwnerAnswerMessage = StrictObject({
  type: Type.Literal('owner.answer'),
  pressId: Type.String({ minLength: 1, maxLength: 64 }),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
  edit: Type.Boolean(),
});
export type OwnerAnswerMessage = Static<typeof OwnerAnswerMessage>;

/** The custom id / callback data of a prompt's buttons. */
export const ownerButtonId = (commandId: string, action: 'confirm' | 'cancel') => `owner:${commandId}:${action}`;
export const OWNER_BUTTON = /^owner:([A-Za-z0-9-]{1,64}):(confirm|cancel)$/;
