import { runCli } from '../support/cli';

describe('rtc-token', () => {
  test('without a command prints the usage on stderr and exits 2', async () => {
    const { status, stdout, stderr } = await runCli([]);
    expect(stderr).toMatch(/^rtc-token: Give a command\.\n\nUsage: rtc-token <command> \[options\]\n/);
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  test('an unknown command is named, with the usage, exit 2 and no stack trace', async () => {
    const { status, stderr } = await runCli(['mnit']);
    expect(stderr).toMatch(/^rtc-token: Unknown command 'mnit'\.\n\nUsage: rtc-token <command>/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(status).toBe(2);
  });

  test.each([['--help'], ['-h'], ['help']])('%s lists every command on stdout, exit 0', async (flag) => {
    const { status, stdout } = await runCli([flag]);
    expect(stdout).toMatch(/^Usage: rtc-token <command> \[options\]\n/);
    for (const command of ['mint', 'inspect', 'verify', 'help']) expect(stdout).toMatch(new RegExp(`\n  ${command} +\\S`));
    expect(status).toBe(0);
  });

  test('help <command> prints that command\'s usage', async () => {
    const { status, stdout } = await runCli(['help', 'inspect']);
    expect(stdout).toMatch(/^Usage: rtc-token inspect <token \| -> \[options\]\n/);
    expect(status).toBe(0);
  });
});
