import { Type, type Static } from 'typebox';

const Role = Type.Union(['system', 'developer', 'user', 'assistant', 'tool'].map((r) => Type.Literal(r)));

/** Text, image and audio parts; unknown part types are passed to the provider untouched. */
const ContentPart = Type.Object({ type: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: true });
const Content = Type.Union([Type.String(), Type.Array(ContentPart, { maxItems: 256 }), Type.Null()]);

const ToolCall = Type.Object(
  {
    id: Type.String({ maxLength: 256 }),
    type: Type.Literal('function'),
    function: Type.Object(
      { name: Type.String({ maxLength: 256 }), arguments: Type.String() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Message = Type.Object(
  {
    role: Role,
    content: Type.Optional(Content),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    tool_calls: Type.Optional(Type.Array(ToolCall, { maxItems: 128 })),
    tool_call_id: Type.Optional(Type.String({ maxLength: 256 })),
    refusal: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);

const Tool = Type.Object(
  {
    type: Type.Literal('function'),
    function: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
        description: Type.Optional(Type.String({ maxLength: 4096 })),
        parameters: Type.Optional(Type.Object({}, { additionalProperties: true })),
        strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const ToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object(
    {
      type: Type.Literal('function'),
      function: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
]);

const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

/**
 * `POST /v1/chat/completions`. Unknown fields are refused (400), like OpenAI does; accepted but
 * unsupported knobs (`n` > 1, logprobs) are refused too rather than silently ignored.
 */
export const ChatCompletionRequest = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 256 }),
    messages: Type.Array(Message, { minItems: 1, maxItems: 4096 }),
    temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
    top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    max_tokens: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    max_completion_tokens: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    stop: Nullable(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 })])),
    seed: Nullable(Type.Integer()),
    presence_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 })),
    frequency_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 })),
    n: Nullable(Type.Integer({ minimum: 1, maximum: 1 })),
    stream: Nullable(Type.Boolean()),
    stream_options: Nullable(
      Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    ),
    tools: Type.Optional(Type.Array(Tool, { maxItems: 128 })),
    tool_choice: Type.Optional(ToolChoice),
    parallel_tool_calls: Type.Optional(Type.Boolean()),
    response_format: Type.Optional(
      Type.Object(
        { type: Type.String({ enum: ['text', 'json_object', 'json_schema'] }) },
        { additionalProperties: true },
      ),
    ),
    user: Type.Optional(Type.String({ maxLength: 256 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    store: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ChatCompletionRequest = Static<typeof ChatCompletionRequest>;
