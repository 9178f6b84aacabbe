import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { HttpToolDefinitionError } from '../../errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The most a schema may weigh (it goes to the model with every request that offers the tool). */
const MAX_SCHEMA_BYTES = 16_384;

export type ArgumentsCheck = (args: Record<string, unknown>) => string | null;

function createAjv(): Ajv {
  // strict: unknown keywords and contradictory schemas are refused when saved, not silently ignored.
  const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();

const describe = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');

/** Checks an admin's JSON Schema for a tool's arguments; throws HttpToolDefinitionError with what is wrong. */
export function compileArgumentsSchema(schema: unknown): ValidateFunction {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    throw new HttpToolDefinitionError('parameters must be a JSON Schema object', 'SCHEMA_NOT_OBJECT');
  const record = schema as Record<string, unknown>;
  if (record.type !== 'object')
    throw new HttpToolDefinitionError('parameters must describe an object: "type": "object"', 'SCHEMA_NOT_OBJECT');
  if (Buffer.byteLength(JSON.stringify(schema)) > MAX_SCHEMA_BYTES)
    throw new HttpToolDefinitionError(`parameters is larger than ${MAX_SCHEMA_BYTES} bytes`, 'SCHEMA_TOO_LARGE');
  if (!ajv.validateSchema(record))
    throw new HttpToolDefinitionError(
      `parameters is not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`,
      'SCHEMA_INVALID',
    );
  try {
    return ajv.compile(record);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpToolDefinitionError(`parameters is not a usable JSON Schema: ${reason}`, 'SCHEMA_INVALID');
  }
}

/** A check of the model's arguments: null when they fit, else the reason, as the model reads it. */
export function argumentsCheck(validate: ValidateFunction): ArgumentsCheck {
  return (args) =>
    validate(args) ? null : `the arguments do not match the tool's schema: ${describe(validate.errors)}`;
}
