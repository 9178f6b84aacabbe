import fs from 'node:fs';
import path from 'node:path';
import type { TelegramSpeech } from '../../core/telegram/turn-service.js';
import { SpeechUnavailableError } from '../../errors.js';
import { openPrivateFile } from '../../core/private-files.js';
import { synthesizeFile, transcribeFile } from '../../speech/files.js';
import type { WorkerSpeechService } from '../../speech/speech-service.js';
import { joinText } from '../../speech/transcript-formats.js';

export interface TelegramSpeechOptions {
  maxVoiceSeconds: number;
  /** Where users' voice notes are kept (DATA_DIR/telegram), for playback in the admin panel. */
  audioDir: string;
}

/** Voice notes through the speech workers: OGG/Opus decoded by ffmpeg, TTS encoded back to OGG/Opus. */
export function createTelegramSpeech(speech: WorkerSpeechService, options: TelegramSpeechOptions): TelegramSpeech {
  const voiceFor = (voice: string | null, language: string): string => {
    const voices = speech.voices();
    const chosen =
      voices.find((v) => v.id === voice) ?? voices.find((v) => v.language.startsWith(language)) ?? voices[0];
    if (!chosen) throw new SpeechUnavailableError('No speech worker offers a voice', { stage: 'tts' });
    return chosen.id;
  };
  return {
    async transcribe(ogg, { language, signal }) {
      const segments = await transcribeFile(
        speech,
        ogg,
        { language, signal },
        { maxSeconds: options.maxVoiceSeconds, signal },
      );
      return joinText(segments);
    },
    async synthesize(text, { voice, language, signal }) {
      return synthesizeFile(speech, text, { voice: voiceFor(voice, language), format: 'opus', signal });
    },
    async keep(botId, turnId, ogg) {
      const relative = path.join(botId, `${turnId}.ogg`);
      const file = path.join(options.audioDir, relative);
      const fd = openPrivateFile(file, 'w');
      try {
        fs.writeSync(fd, ogg);
      } finally {
        fs.closeSync(fd);
      }
      return relative;
    },
  };
}
