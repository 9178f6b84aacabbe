import type { MessageNotifier, TakenMessage } from '../core/voice/ports.js';

/** Collects announced messages (tests that do not exercise the webhook dispatcher). */
export function createRecordingNotifier(): MessageNotifier & { messages: TakenMessage[] } {
  const messages: TakenMessage[] = [];
  return {
    messages,
    async messageTaken(message) {
      messages.push(message);
    },
  };
}
