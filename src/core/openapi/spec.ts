import type { ProblemCode } from '../problem';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * One parameter a token endpoint reads, described beside the code that reads it: its names, what
 * it holds in a query string or form and in a JSON body, and the codes a bad value is refused
 * with. The OpenAPI description is generated from these, and a test checks that every name the
 * endpoints read has one.
 */
export interface ParamSpec {
  name: string;
  /** Other names the endpoint accepts for it, as Twilio's reference apps send them. */
  aliases?: readonly string[];
  description: string;
  /** Its value as text: in a query string or a form body. */
  text: JsonSchema;
  /** Its value in a JSON body, where that differs from text (booleans, arrays, numbers). */
  json?: JsonSchema;
  /** The codes a bad value is refused with. */
  refusals: readonly ProblemCode[];
  /** Read from the body only, never from the query string: a credential has no place in a URL. */
  bodyOnly?: boolean;
}

/** An endpoint of the table as a client sees it: what it takes, what it answers, and why it refuses. */
export interface EndpointSpec {
  summary: string;
  description: string;
  params: readonly ParamSpec[];
  /** The 200 answer: JSON, or the bare token as text. */
  answer: { mediaType: 'application/json' | 'text/plain'; schema: JsonSchema };
  /** Codes the endpoint itself refuses with, beyond its parameters' (and the token pipeline's). */
  refusals: readonly ProblemCode[];
  /** Whether the token pipeline runs first (limits, caller authentication), with its refusals and `RateLimit` fields. */
  tokenPipeline: boolean;
}

/**
 * A string of at most `maxLength` code points, as the identity rule counts them (JSON Schema
 * counts code points too).
 *
 * @example text(128, 'A name.') // { type: 'string', minLength: 1, maxLength: 128, description: 'A name.' }
 */
export function text(maxLength: number, description?: string): JsonSchema {
  return { type: 'string', minLength: 1, maxLength, ...(description === undefined ? {} : { description }) };
}
