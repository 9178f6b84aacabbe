import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(options: Options): Ajv {
  // verbose: errors carry their schema, so a failed `pattern` can quote the field's description.
  const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false, verbose: true, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated strictly: no type coercion and no silent removal of unknown fields
 * (`{ "age": "5" }` for an integer, or a misspelt field, is a 400, not a guess).
 * Query strings, params and headers are text on the wire, so they are coerced.
 */
export function installValidators(app: FastifyInstance): void {
  const body = createAjv({ coerceTypes: false, removeAdditional: false });
  const text = createAjv({ coerceTypes: 'array', removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
