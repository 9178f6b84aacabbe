import { Type, type Static } from 'typebox';
import { StrictObject } from '../common.js';

/** `models/manifest.json`: model sets the product knows how to download, verify and run. */

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * `sizeBytes`/`sha256` null = not pinned in the manifest yet: `npm run models -- download` then records
 * what it fetched in `<set>/.pinned.json`, and every later verification compares against that pin.
 */
export const ModelFile = StrictObject({
  /** Path relative to the model set's folder. */
  path: Type.String({ minLength: 1, maxLength: 256, pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]+$' }),
  /** Absent when the file comes out of the set's archive. */
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  sizeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  sha256: Type.Union([Sha256, Type.Null()]),
  /** What the engine uses it for: encoder, decoder, joiner, tokens, model, voices, lexicon, … */
  role: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ModelFile = Static<typeof ModelFile>;

export const ModelKind = Type.Union([
  Type.Literal('vad'),
  Type.Literal('stt-online-transducer'),
  Type.Literal('stt-online-ctc'),
  Type.Literal('stt-online-tone-ctc'),
  Type.Literal('stt-offline-whisper'),
  Type.Literal('stt-offline-sense-voice'),
  Type.Literal('stt-offline-moonshine'),
  Type.Literal('tts-vits'),
  Type.Literal('tts-kokoro'),
  Type.Literal('tts-matcha'),
]);
export type ModelKind = Static<typeof ModelKind>;

export const ModelSet = StrictObject({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' }),
  engine: Type.Literal('sherpa'),
  kind: ModelKind,
  languages: Type.Array(Type.String({ minLength: 2, maxLength: 16 }), { minItems: 1 }),
  sampleRateHz: Type.Integer({ minimum: 8000, maximum: 48_000 }),
  licence: Type.String({ maxLength: 128 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  /** An official release archive (.tar.bz2) the files are extracted from, when they are not fetched one by one. */
  archive: Type.Optional(
    StrictObject({
      url: Type.String({ minLength: 1, maxLength: 2048 }),
      sizeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      sha256: Type.Union([Sha256, Type.Null()]),
      stripComponents: Type.Integer({ minimum: 0, maximum: 4 }),
    }),
  ),
  files: Type.Array(ModelFile, { minItems: 1, maxItems: 64 }),
  /** Voices a TTS set offers (speaker id -> name). */
  voices: Type.Optional(Type.Array(StrictObject({ id: Type.String(), speaker: Type.Integer({ minimum: 0 }) }))),
});
export type ModelSet = Static<typeof ModelSet>;

export const ModelManifest = StrictObject({
  version: Type.Literal(1),
  models: Type.Array(ModelSet),
});
export type ModelManifest = Static<typeof ModelManifest>;

export const ModelStatus = StrictObject({
  name: Type.String(),
  kind: ModelKind,
  languages: Type.Array(Type.String()),
  state: Type.Union([
    Type.Literal('installed'),
    Type.Literal('missing'),
    Type.Literal('corrupt'),
    Type.Literal('unpinned'),
  ]),
  problems: Type.Array(Type.String()),
});
export type ModelStatus = Static<typeof ModelStatus>;
