import type { Config } from '../../config.js';
import type { ChatStream } from '../../core/llm/chat-stream.js';
import type { ChatRequest } from '../../core/llm/router.js';
import type { SmsAutoReplyLimits, SmsReplyGenerator } from '../../core/gsm/sms-auto-reply.js';
import { voiceRoute } from '../../voice/adapters/index.js';

export interface LlmSmsReplyOptions {
  router: { chat(request: ChatRequest): Promise<ChatStream> };
  /** Persona slug or model route (`secretary`). */
  route: string;
  /** Each provider attempt's wait for its first token (`LLM_FIRST_TOKEN_TIMEOUT_MS`); then the next provider. */
  firstTokenTimeoutMs: number;
}

/**
 * SMS replies from the LLM router: channel `sms`, conversation memory per sender (`sms:<number>`), the
 * persona's prompt and FAQ answers. The whole reply is collected before it is sent. A provider that accepts the
 * request but never starts answering is left at the first-token deadline (as on /v1), not after the 60 s limit.
 */
export function createLlmSmsReplyGenerator(options: LlmSmsReplyOptions): SmsReplyGenerator {
  return async (message, signal) => {
    const stream = await options.router.chat({
      route: options.route,
      messages: [{ role: 'user', content: message.text }],
      channel: 'sms',
      sessionKey: `sms:${message.number}`,
      firstTokenTimeoutMs: options.firstTokenTimeoutMs,
      signal,
    });
    let text = '';
    for await (const delta of stream) text += delta.content ?? '';
    await stream.result;
    return text;
  };
}

/** The auto-reply wiring from GSM_SMS_* settings; undefined when GSM_SMS_AUTO_REPLY is off. */
export function smsAutoReplyFromConfig(
  config: Config,
  router: LlmSmsReplyOptions['router'],
): { generate: SmsReplyGenerator; limits: SmsAutoReplyLimits } | undefined {
  const settings = config.gsm.smsAutoReply;
  if (!settings.enabled) return undefined;
  const route = settings.route ?? voiceRoute(config.voiceLanguage);
  return {
    generate: createLlmSmsReplyGenerator({ router, route, firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs }),
    limits: { ...settings, blockList: [...config.gsm.blockList, ...settings.blockList] },
  };
}
