/** Gateway intent bits the fake looks at (discord-api-types GatewayIntentBits). */
export const INTENTS = {
  guilds: 1 << 0,
  guildVoiceStates: 1 << 7,
  guildMessages: 1 << 9,
  guildMessageTyping: 1 << 11,
  directMessages: 1 << 12,
  directMessageTyping: 1 << 14,
  messageContent: 1 << 15,
} as const;

export const has = (intents: number, bit: number): boolean => (intents & bit) === bit;

/** Gateway close codes the fake sends (opcodes-and-status-codes.mdx). */
export const CLOSE = {
  unknownError: { code: 4000, reason: 'Unknown error' },
  unknownOpcode: { code: 4001, reason: 'Unknown opcode' },
  decodeError: { code: 4002, reason: 'Decode error' },
  notAuthenticated: { code: 4003, reason: 'Not authenticated' },
  authenticationFailed: { code: 4004, reason: 'Authentication failed' },
  alreadyAuthenticated: { code: 4005, reason: 'Already authenticated' },
  invalidSeq: { code: 4007, reason: 'Invalid seq' },
  invalidApiVersion: { code: 4012, reason: 'Invalid API version' },
  invalidIntents: { code: 4013, reason: 'Invalid intent(s)' },
  disallowedIntents: { code: 4014, reason: 'Disallowed intent(s)' },
} as const;

/** A close code with its reason text. */
export interface CloseReason {
  code: number;
  reason: string;
}
