import type { Voice } from '@ai-secretary/protocol';

/** The voice names OpenAI clients send (OpenWebUI and the official SDKs default to `alloy`). */
export const OPENAI_VOICE_NAMES = [
  'alloy',
  'ash',
  'ballad',
  'cedar',
  'coral',
  'echo',
  'fable',
  'marin',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
] as const;

export interface OpenAiVoiceOptions {
  /** Admin-chosen voice per OpenAI name (`OPENAI_VOICE_MAP`, e.g. `alloy=en-us,onyx=ru`). */
  map: Readonly<Record<string, string>>;
  /** Unmapped OpenAI names speak with the first installed voice of this language (`VOICE_LANGUAGE`). */
  language: string;
}

const baseLanguage = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? tag;

/**
 * The installed voice a /v1 request means. An installed id always wins; an OpenAI voice name is spoken by the
 * voice mapped to it, else by the default language's first voice, else by the first voice installed. Anything
 * else is returned unchanged (the speech service then says it is not installed).
 */
export function resolveOpenAiVoice(requested: string, installed: readonly Voice[], options: OpenAiVoiceOptions) {
  if (installed.some((v) => v.id === requested)) return requested;
  const name = requested.toLowerCase();
  if (!(OPENAI_VOICE_NAMES as readonly string[]).includes(name)) return requested;
  const mapped = options.map[name];
  if (mapped && installed.some((v) => v.id === mapped)) return mapped;
  const language = baseLanguage(options.language);
  return (installed.find((v) => baseLanguage(v.language) === language) ?? installed[0])?.id ?? requested;
}

/** `OPENAI_VOICE_MAP` (`name=voice,name=voice`) as a record; null names the first malformed entry. */
export function parseOpenAiVoiceMap(raw: string): { map: Record<string, string>; bad: string | null } {
  const map: Record<string, string> = {};
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, voice, extra] = entry.split('=').map((s) => s.trim());
    if (!name || !voice || extra !== undefined) return { map, bad: entry };
    map[name.toLowerCase()] = voice;
  }
  return { map, bad: null };
}
