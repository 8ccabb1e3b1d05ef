/**
 * Preloaded (`node -r`) into every server the benchmark starts: answers 'cpu' on the IPC channel
 * with the process's own `process.cpuUsage()` in microseconds. getrusage counts every thread of
 * the process, libuv's thread pool included, where `/vonage-token` signs.
 */
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send!({ cpuMicroseconds: user + system });
});
