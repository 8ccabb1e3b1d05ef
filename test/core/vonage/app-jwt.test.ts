import { createPrivateKey } from 'node:crypto';
import { appJwt } from '../../../src/core/vonage/app-jwt';
import { freezeClockPerTest } from '../../support/clock';
import { vonageApplicationId, vonageKeys } from '../../support/fixtures';
import { verifyVonageToken, without } from '../../support/verify';
import { tokenGenerateClaims, vonageVerifySignature } from '../../support/vonage-reference';

const now = new Date('2026-11-21T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

freezeClockPerTest(now);

const credentials = () => ({ applicationId: vonageApplicationId, privateKey: createPrivateKey(vonageKeys().privatePem) });

describe('appJwt', () => {
  test('is RS256 with exactly application_id, iat, a 5-minute exp and a jti, verified with jose', async () => {
    const { header, payload } = await verifyVonageToken(await appJwt(credentials()), vonageKeys().publicKey);

    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      application_id: vonageApplicationId, iat: nowSeconds, exp: nowSeconds + 300, jti: expect.stringMatching(uuidV4),
    });
  });

  test('every token has its own jti', async () => {
    const first = await verifyVonageToken(await appJwt(credentials()), vonageKeys().publicKey);
    const second = await verifyVonageToken(await appJwt(credentials()), vonageKeys().publicKey);
    expect(first.payload.jti).not.toBe(second.payload.jti);
  });

  test('has the claims @vonage/jwt gives the SDKs for REST calls, with a shorter expiry', async () => {
    const ours = await verifyVonageToken(await appJwt(credentials()), vonageKeys().publicKey);
    const reference = tokenGenerateClaims(vonageApplicationId, vonageKeys().privatePem, {}, now.getTime());

    expect(without(ours.payload, 'jti', 'exp')).toEqual(without(reference, 'jti', 'exp'));
    expect(reference.exp).toBe(nowSeconds + 900);
  });

  test('@vonage/jwt verifySignature accepts it', async () => {
    expect(vonageVerifySignature(await appJwt(credentials()), vonageKeys().publicPem, now.getTime())).toBe(true);
  });
});
