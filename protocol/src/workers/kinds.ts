import { Type, type Static, type TSchema } from 'typebox';
import { StrictObject } from '../common.js';
import { FatalMessage, HeartbeatMessage, WelcomeMessage, helloFields } from './link.js';
import { TelegramBotMessage, TelegramOrchestratorMessage } from './telegram.js';
import { TelegramPaymentBotMessage, TelegramPaymentOrchestratorMessage } from './telegram-payments.js';
import { DiscordBotMessage, DiscordOrchestratorMessage } from './discord.js';
import { HelloMessage, OrchestratorMessage, WorkerMessage } from './messages.js';

/**
 * Kinds of child process. Each has a hello and the messages it may send and receive; adding a kind is one
 * hello schema and one entry in `childProtocols`.
 */
export const ChildKind = Type.Union([
  Type.Literal('speech-worker'),
  Type.Literal('telegram-bot'),
  Type.Literal('discord-bot'),
  /** The smallest child: it only holds the link (the kit's reference child; the supervisor's tests run it). */
  Type.Literal('echo'),
]);
export type ChildKind = Static<typeof ChildKind>;

export const TelegramBotHello = StrictObject({ ...helloFields, kind: Type.Literal('telegram-bot') });
export type TelegramBotHello = Static<typeof TelegramBotHello>;

export const DiscordBotHello = StrictObject({ ...helloFields, kind: Type.Literal('discord-bot') });
export type DiscordBotHello = Static<typeof DiscordBotHello>;

export const EchoHello = StrictObject({ ...helloFields, kind: Type.Literal('echo') });
export type EchoHello = Static<typeof EchoHello>;

/** Any child's first message; the orchestrator checks it against this before anything else. */
export const ChildHello = Type.Union([HelloMessage, TelegramBotHello, DiscordBotHello, EchoHello]);
export type ChildHello = Static<typeof ChildHello>;

/** What a child with no kind-specific messages (yet) sends after its hello, and what it receives. */
export const LinkChildMessage = Type.Union([HeartbeatMessage, FatalMessage]);
export const LinkOrchestratorMessage = Type.Union([WelcomeMessage]);

interface ChildProtocol {
  hello: TSchema;
  /** Messages after the hello, child -> orchestrator. */
  fromChild: TSchema;
  /** Orchestrator -> child. */
  toChild: TSchema;
}

export const childProtocols = {
  'speech-worker': { hello: HelloMessage, fromChild: WorkerMessage, toChild: OrchestratorMessage },
  'telegram-bot': {
    hello: TelegramBotHello,
    fromChild: Type.Union([HeartbeatMessage, FatalMessage, TelegramBotMessage, TelegramPaymentBotMessage]),
    toChild: Type.Union([WelcomeMessage, TelegramOrchestratorMessage, TelegramPaymentOrchestratorMessage]),
  },
  'discord-bot': {
    hello: DiscordBotHello,
    fromChild: Type.Union([HeartbeatMessage, FatalMessage, DiscordBotMessage]),
    toChild: Type.Union([WelcomeMessage, DiscordOrchestratorMessage]),
  },
  echo: { hello: EchoHello, fromChild: LinkChildMessage, toChild: LinkOrchestratorMessage },
} as const satisfies Record<ChildKind, ChildProtocol>;

export type HelloOf<K extends ChildKind> = Static<(typeof childProtocols)[K]['hello']>;
export type FromChildOf<K extends ChildKind> = Static<(typeof childProtocols)[K]['fromChild']>;
export type ToChildOf<K extends ChildKind> = Static<(typeof childProtocols)[K]['toChild']>;

/** A hello's kind (absent on speech workers that predate kinds). */
export function helloKind(hello: ChildHello): ChildKind {
  return hello.kind ?? 'speech-worker';
}
