/**
 * Request validation with two Ajv instances. Query strings and path params
 * arrive as text, so they are coerced to the schema's types (`?limit=30`);
 * JSON bodies already carry types, so a body is validated as sent: `"5"` is
 * not a number, `123` is not a password, `["x"]` is not a string.
 * Both refuse unknown fields (additionalProperties: false) instead of
 * dropping them.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

function makeAjv(coerce: boolean): Ajv {
  const options: Options = {
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    allErrors: false,
    strict: false,
  };
  const ajv = new Ajv(options);
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const forText = makeAjv(true);
  const forBody = makeAjv(false);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? forBody : forText;
    return ajv.compile(schema as object);
  };
}
