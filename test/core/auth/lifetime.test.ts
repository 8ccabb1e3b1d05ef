import { refusalOf } from '../../support/problem';
import { createSecretKey } from 'node:crypto';
import { JWTPayload, jwtVerify, SignJWT } from 'jose';
import { checkCredentialLifetime, readCredentialPolicy } from '../../../src/core/auth/lifetime';

const now = 1_800_000_000;
const options = { nowSeconds: now, clockToleranceSeconds: 30, maxAgeSeconds: 86_400 };
const challenge = { 'WWW-Authenticate': 'Bearer realm="rtc-token-service", error="invalid_token"' };

/** The problem `run` throws, as the caller would see it. */
const refused = (detail: string) => ({ code: 'auth_invalid', status: 401, detail, headers: challenge });

describe('checkCredentialLifetime', () => {
  test('accepts a fresh token with exp and iat', () => {
    expect(checkCredentialLifetime({ sub: 'alice', iat: now - 60, exp: now + 240 }, options)).toBeUndefined();
  });

  test.each<[string, JWTPayload, string]>([
    ['no exp', { sub: 'alice', iat: now }, 'The token has no exp claim; credentials must expire.'],
    ['an exp that is a string', { sub: 'alice', iat: now, exp: String(now + 300) as unknown as number }, 'The token has no exp claim; credentials must expire.'],
    ['no iat', { sub: 'alice', exp: now + 300 }, 'The token has no iat claim, so its age cannot be checked.'],
    ['an iat that is a string', { sub: 'alice', iat: String(now) as unknown as number, exp: now + 300 }, 'The token has no iat claim, so its age cannot be checked.'],
    ['an iat a year ahead', { sub: 'alice', iat: now + 31_536_000, exp: now + 31_536_300 }, 'The token\'s iat claim is in the future.'],
    ['an iat one second past the clock tolerance', { sub: 'alice', iat: now + 31, exp: now + 300 }, 'The token\'s iat claim is in the future.'],
    ['an iat one second more than the maximum age ago, however late its exp', { sub: 'alice', iat: now - 86_401, exp: now + 31_536_000 }, 'The token was issued more than 86400 seconds ago (AUTH_MAX_TOKEN_AGE).'],
  ])('refuses a token with %s: 401 auth_invalid with the invalid_token challenge', (_name, payload, detail) => {
    expect(refusalOf(() => checkCredentialLifetime(payload, options))).toEqual(refused(detail));
  });

  test('accepts an iat ahead by exactly the clock tolerance and an age of exactly the maximum', () => {
    expect(checkCredentialLifetime({ iat: now + 30, exp: now + 300 }, options)).toBeUndefined();
    expect(checkCredentialLifetime({ iat: now - 86_400, exp: now + 300 }, options)).toBeUndefined();
  });

  test('the maximum age is the one given', () => {
    const payload = { iat: now - 601, exp: now + 300 };
    expect(refusalOf(() => checkCredentialLifetime(payload, { ...options, maxAgeSeconds: 600 })).detail)
      .toBe('The token was issued more than 600 seconds ago (AUTH_MAX_TOKEN_AGE).');
  });

  test('refuses a token jose verifies but that never expires', async () => {
    const secret = createSecretKey(Buffer.alloc(32, 7));
    const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(secret);
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
    expect(payload.exp).toBeUndefined();
    const nowSeconds = payload.iat!;
    expect(refusalOf(() => checkCredentialLifetime(payload, { ...options, nowSeconds }))).toEqual(refused('The token has no exp claim; credentials must expire.'));
  });
});

describe('readCredentialPolicy', () => {
  test('AUTH_MAX_TOKEN_AGE defaults to a day', () => {
    expect(readCredentialPolicy({})).toEqual({ maxAgeSeconds: 86_400 });
    expect(readCredentialPolicy({ AUTH_MAX_TOKEN_AGE: ' ' })).toEqual({ maxAgeSeconds: 86_400 });
  });

  test.each([['60', 60], ['3600', 3600], ['2592000', 2_592_000]])('reads %s', (value, seconds) => {
    expect(readCredentialPolicy({ AUTH_MAX_TOKEN_AGE: value })).toEqual({ maxAgeSeconds: seconds });
  });

  test.each([['59'], ['2592001'], ['1h'], ['-5'], ['3600.5']])('refuses %j as config_invalid naming the variable', (value) => {
    expect(refusalOf(() => readCredentialPolicy({ AUTH_MAX_TOKEN_AGE: value }))).toEqual({
      code: 'config_invalid', status: 500,
      detail: 'AUTH_MAX_TOKEN_AGE is not a whole number of seconds between 60 and 2592000.',
    });
  });
});
