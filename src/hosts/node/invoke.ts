import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { logEvent } from '../../core/log';
import { Problem } from '../../core/problem';
import { problemReply } from '../../core/reply';
import { Answer, replyAnswer } from './answer';
import { ResponseHeaders, TwilioResponse } from './twilio-response';

/** A Function's `handler` export: Twilio's `(context, event, callback)` contract. */
export type FunctionHandler = (
  context: Record<string, unknown>, event: Record<string, unknown>, callback: ServerlessCallback,
) => void | Promise<void>;

/** Twilio stops a Function after 10 seconds; Functions are written for that limit. */
export const executionLimitMs = 10_000;

/** TwiML documents a Function may pass to the callback; twilio's classes render them as XML. */
const twimlClasses = new Set(['VoiceResponse', 'MessagingResponse', 'FaxResponse']);

/**
 * Runs a Function handler and resolves with the answer its callback describes. The first callback
 * call wins. An error passed to the callback, a throw, a rejected promise or no callback within
 * the execution limit is an `internal_error` problem: its message and stack stay in the process,
 * and only the error's name reaches the log.
 *
 * @example await invokeFunction('/token', handler, context, event) // { status: 200, headers, body }
 */
export function invokeFunction(
  path: string, handler: FunctionHandler, context: Record<string, unknown>, event: Record<string, unknown>,
): Promise<Answer> {
  return new Promise((resolve) => {
    const fail = (reason: string, error?: unknown) => {
      logEvent({ event: 'function_error', path, reason, error: error instanceof Error ? error.name : typeof error });
      return replyAnswer(problemReply(new Problem('internal_error', 'The server could not complete the request.')));
    };
    let settled = false;
    const settle = (answer: () => Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer());
    };
    const timer = setTimeout(() => settle(() => fail('timeout')), executionLimitMs);
    const callback: ServerlessCallback = (error, payload) => {
      settle(() => (error ? fail('callback_error', error) : payloadAnswer(payload)));
    };
    try {
      Promise.resolve(handler(context, event, callback)).catch((error) => settle(() => fail('rejected', error)));
    } catch (error) {
      settle(() => fail('thrown', error));
    }
  });
}

/** What Twilio sends for each kind of value a Function passes to its callback. */
export function payloadAnswer(payload: unknown): Answer {
  if (payload instanceof TwilioResponse) return responseAnswer(payload);
  if (typeof payload === 'string') return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: payload };
  if (isTwiml(payload)) return { status: 200, headers: { 'Content-Type': 'text/xml' }, body: String(payload) };
  if (payload === undefined || payload === null) return { status: 200, headers: {}, body: '' };
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) };
}

/**
 * A `Twilio.Response` on the wire. As on Twilio, a body sent as `application/json` is always
 * JSON-encoded (a string too), other strings and buffers go as they are, and an object without a
 * Content-Type is sent as JSON.
 */
export function responseAnswer(response: TwilioResponse): Answer {
  const { statusCode: status, headers, body } = response;
  const contentType = headerValue(headers, 'content-type');
  if (contentType?.startsWith('application/json')) return { status, headers, body: JSON.stringify(body) ?? '' };
  if (body === null || body === undefined) return { status, headers, body: '' };
  if (typeof body === 'string') return { status, headers: withDefaultType(headers, contentType, 'text/html; charset=utf-8'), body };
  if (Buffer.isBuffer(body)) return { status, headers: withDefaultType(headers, contentType, 'application/octet-stream'), body };
  return { status, headers: withDefaultType(headers, contentType, 'application/json; charset=utf-8'), body: JSON.stringify(body) };
}

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : [entry[1]].flat()[0];
}

function withDefaultType(headers: ResponseHeaders, contentType: string | undefined, fallback: string): ResponseHeaders {
  return contentType === undefined ? { ...headers, 'Content-Type': fallback } : headers;
}

function isTwiml(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && twimlClasses.has(payload.constructor?.name);
}
