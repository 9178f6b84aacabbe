import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import type { AudioChunk } from '@ai-secretary/protocol';
import type { Logger } from '../../kit/logger.js';
import { SpeakerDecoder } from './audio-edge.js';

/** A speaker's stream ends after this much silence (Discord stops sending packets when someone stops talking). */
const END_AFTER_SILENCE_MS = 1000;

export interface SpeakerListenerDeps {
  /** The bot's own user id (it hears nothing of itself, but never subscribe to it). */
  botId: () => string | undefined;
  /** Each speaker's audio at the engine's rate (16 kHz mono), 20 ms at a time. */
  onAudio: (userId: string, chunk: AudioChunk) => void;
  /** A packet of this speaker could not be decrypted or decoded (its stream is gone; the next speech resubscribes). */
  onFailure: (userId: string) => void;
  logger: Logger;
}

/**
 * One listener per speaking user: `receiver.speaking` 'start' subscribes to that user's Opus stream (ending after
 * silence) and decodes it with the user's own decoder. A packet that fails destroys the library's stream for that
 * user; the failure is counted and the next 'start' subscribes again.
 */
export function listenToSpeakers(connection: VoiceConnection, deps: SpeakerListenerDeps): void {
  const listening = new Set<string>();
  connection.receiver.speaking.on('start', (userId) => {
    if (listening.has(userId) || userId === deps.botId()) return;
    listening.add(userId);
    const decoder = new SpeakerDecoder();
    const stream = connection.receiver.subscribe(userId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: END_AFTER_SILENCE_MS },
    });
    stream.on('data', (packet: Buffer) => {
      try {
        deps.onAudio(userId, decoder.decode(packet));
      } catch {
        deps.onFailure(userId);
      }
    });
    stream.on('error', (error: Error) => {
      deps.logger.debug({ err: error.message }, 'voice: a speaker stream failed');
      deps.onFailure(userId);
    });
    stream.once('close', () => listening.delete(userId));
  });
}
