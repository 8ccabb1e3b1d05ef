import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEnvFile } from '../../../src/core/config/env-file';
import { problemOf } from '../../support/problem';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('withEnvFile', () => {
  test('adds .env in the directory under the environment, which wins unless blank', () => {
    writeFileSync(join(dir, '.env'), 'PORT=8080\nTOKEN_TTL=600 # ten minutes\nHOST="0.0.0.0"\nRATE_LIMIT_IP=60\n');
    expect(withEnvFile({ TOKEN_TTL: '900', HOST: '', PATH: '/bin' }, dir)).toEqual({
      PORT: '8080', TOKEN_TTL: '900', HOST: '0.0.0.0', RATE_LIMIT_IP: '60', PATH: '/bin',
    });
  });

  test('without a .env, the environment alone', () => {
    expect(withEnvFile({ PORT: '3000' }, dir)).toEqual({ PORT: '3000' });
  });

  test('reads the file it is given instead of .env, relative to the directory', () => {
    writeFileSync(join(dir, '.env'), 'PORT=1\n');
    writeFileSync(join(dir, 'staging.env'), 'PORT=2\n');
    expect(withEnvFile({}, dir, 'staging.env')).toEqual({ PORT: '2' });
  });

  test('a file it is given that does not exist is config_missing, naming the file', () => {
    expect(problemOf(() => withEnvFile({}, dir, 'staging.env'))).toMatchObject({
      code: 'config_missing', message: 'The file staging.env does not exist.',
    });
  });

  test('a file over 64 KB is refused, naming the path and nothing it holds', () => {
    writeFileSync(join(dir, '.env'), `API_SECRET=${'s'.repeat(64 * 1024)}\n`);
    const problem = problemOf(() => withEnvFile({}, dir));
    expect(problem).toMatchObject({ code: 'config_invalid', message: '.env is not a regular file of at most 64 KB.' });
  });

  test('a .env that is a FIFO is refused at once, without waiting for a writer', () => {
    execFileSync('mkfifo', [join(dir, '.env')]);
    expect(problemOf(() => withEnvFile({}, dir))).toMatchObject({ code: 'config_invalid', message: '.env is not a regular file of at most 64 KB.' });
  });
});
