import { callPaths, messagingPaths, missingPaths } from '../../../src/cli/inspect/acl-coverage';

describe('missingPaths', () => {
  test('the documented Client SDK paths cover calls and messaging', () => {
    const documented = ['/*/users/**', '/*/conversations/**', '/*/sessions/**', '/*/devices/**', '/*/image/**',
      '/*/media/**', '/*/applications/**', '/*/push/**', '/*/knocking/**', '/*/legs/**'];
    expect(missingPaths(documented, callPaths)).toEqual([]);
  });

  test('names each required path no ACL path covers', () => {
    expect(missingPaths(['/*/sessions/**', '/*/conversations/**', '/*/legs/**'], callPaths)).toEqual(['/*/knocking/**']);
    expect(missingPaths(['/*/conversations/**'], messagingPaths)).toEqual(['/*/sessions/**']);
  });

  test('a broader glob covers the narrower paths', () => {
    expect(missingPaths(['/**'], callPaths)).toEqual([]);
    expect(missingPaths(['/v1/sessions/**', '/v0.3/conversations/**', '/*/knocking/**', '/v1/legs/**'], callPaths))
      .toEqual(['/*/conversations/**']);
  });

  test('a single * does not cross path segments', () => {
    expect(missingPaths(['/*/sessions/*', '/*/conversations/**'], messagingPaths)).toEqual(['/*/sessions/**']);
  });
});
