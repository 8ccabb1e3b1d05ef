// Demo credentials so a fresh clone answers `curl 'localhost:3000/token?identity=alice'` at once.
// They are generated in memory for one run, never written to disk, and say so loudly:
// Twilio and Vonage reject tokens signed with them.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const hex = () => randomBytes(16).toString('hex');

const twilioCredentials = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'API_SECRET_FILE'];
const vonageCredentials = [
  'VONAGE_APPLICATION_ID', 'API_APPLICATION_ID', 'VCR_API_APPLICATION_ID',
  'VONAGE_PRIVATE_KEY', 'PRIVATE_KEY', 'VCR_PRIVATE_KEY', 'VONAGE_PRIVATE_KEY_FILE', 'VONAGE_PRIVATE_KEY_PATH',
];

/**
 * The environment to serve with: `base` plus demo values for each vendor that has no
 * credentials at all in `base` or in `.env` (a partial configuration is left alone, so the
 * service names what is missing instead of hiding it behind demo values). Also says whether any
 * vendor is served with real credentials, and the AUTH_MODE in force.
 */
export function withDemoCredentials(base, { dotenvPath = '.env', privateAssetPath } = {}) {
  const dotenv = existsSync(dotenvPath) ? parseEnv(readFileSync(dotenvPath, 'utf8')) : {};
  const configured = (name) => Boolean((dotenv[name] ?? base[name])?.trim());
  const env = { ...base };
  const notices = [];

  if (!twilioCredentials.some(configured)) {
    Object.assign(env, {
      ACCOUNT_SID: `AC${hex()}`,
      API_KEY: `SK${hex()}`,
      API_SECRET: hex(),
      SERVICE_SID: `IS${hex()}`,
      OUTGOING_SID: `AP${hex()}`,
      SYNC_SERVICE_SID: `IS${hex()}`,
    });
    notices.push('Twilio: /token signs with random demo ACCOUNT_SID, API_KEY and API_SECRET. Twilio rejects these\n' +
      '  tokens. For real ones set ACCOUNT_SID, API_KEY and API_SECRET (and SERVICE_SID, OUTGOING_SID,\n' +
      '  SYNC_SERVICE_SID for the chat, voice and sync grants) in .env: start from .env.example.');
  }
  if (!vonageCredentials.some(configured) && !(privateAssetPath && existsSync(privateAssetPath))) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    Object.assign(env, {
      VONAGE_APPLICATION_ID: randomUUID(),
      VONAGE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    notices.push('Vonage: /vonage-token signs with a demo application id and an RSA key generated in memory.\n' +
      '  Vonage rejects these tokens. For real ones set VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY\n' +
      '  (or VONAGE_PRIVATE_KEY_PATH) in .env: see the README.');
  }
  const realCredentials = twilioCredentials.some(configured) || vonageCredentials.some(configured)
    || Boolean(privateAssetPath && existsSync(privateAssetPath));
  const authMode = (dotenv.AUTH_MODE ?? base.AUTH_MODE)?.trim() || 'none';
  return { env, notices, realCredentials, authMode };
}

export function printDemoNotice(notices) {
  if (notices.length === 0) return;
  const rule = '='.repeat(78);
  console.warn(`${rule}\nDEMO CREDENTIALS: generated for this run only, never saved.\n${notices.map((n) => `- ${n}`).join('\n')}\n${rule}`);
}
