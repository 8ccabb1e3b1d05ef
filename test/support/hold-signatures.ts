import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A switch for the RSA signatures of a host under test; see signature-hold-preload.cjs. */
export interface SignatureHold {
  /** Environment for the host: preloads the hold. */
  env: Record<string, string>;
  /** From now on, every asynchronous signature waits. */
  hold(): void;
  /** Lets every waiting signature, and all later ones, go on. */
  release(): void;
}

/**
 * A hold on a host's RSA signatures, engaged from the host's start when `held` is true.
 *
 * @example
 * const signatures = holdSignatures();
 * const host = await startNodeHost({ ...env, ...signatures.env });
 * signatures.hold(); // the next signatures take their slots and queue places, and stay there
 */
export function holdSignatures(held = false): SignatureHold {
  const file = join(mkdtempSync(join(tmpdir(), 'hold-signatures-')), 'held');
  const hold = () => writeFileSync(file, '');
  const release = () => rmSync(file, { force: true });
  if (held) hold();
  return {
    env: { NODE_OPTIONS: `--require ${join(__dirname, 'signature-hold-preload.cjs')}`, HOLD_SIGNATURES_FILE: file },
    hold,
    release,
  };
}
