import { createPrivateKey, sign } from 'node:crypto';

/**
 * The floor `/vonage-token` is held to: one RS256 signature with the application's key and a real
 * token's signing input, signed synchronously in a loop on one thread, nothing else. Asked over
 * IPC with a number of seconds, it signs for that long and answers with its CPU time per signature
 * from `process.cpuUsage()`, counted as the servers' is.
 */
const key = createPrivateKey(process.env.VONAGE_PRIVATE_KEY!);
const input = Buffer.from(process.env.BENCH_SIGNING_INPUT!, 'utf8');

process.on('message', (message: { seconds: number }) => {
  const before = process.cpuUsage();
  const deadline = performance.now() + message.seconds * 1000;
  let signatures = 0;
  while (performance.now() < deadline) {
    sign('sha256', input, key);
    signatures++;
  }
  const { user, system } = process.cpuUsage(before);
  process.send!({ cpuMicrosecondsPerSignature: (user + system) / signatures, signatures });
});
