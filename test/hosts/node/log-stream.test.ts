import fs from 'node:fs';
import { Writable } from 'node:stream';
import { LogStream } from '../../../src/hosts/node/log-stream';

/** A stream that takes writes but never finishes them, as a pipe nobody reads. */
function blockedStream(): Writable & { chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, _callback) => { chunks.push(String(chunk)); } });
  return Object.assign(stream, { chunks });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('LogStream', () => {
  test('lines written in one turn of the event loop go out in one write, one JSON object per line', async () => {
    const stream = blockedStream();
    const log = new LogStream(stream);
    log.write({ event: 'a' });
    log.write({ event: 'b' });
    expect(stream.chunks).toEqual([]);
    await nextTurn();
    expect(stream.chunks).toHaveLength(1);
    expect(stream.chunks[0].split('\n').slice(0, -1).map((line) => JSON.parse(line).event)).toEqual(['a', 'b']);
  });

  test('drops lines while the stream holds over 1 MB, and reports how many on close', async () => {
    const stream = blockedStream();
    const log = new LogStream(stream);
    const big = 'x'.repeat(1024 * 1024);
    log.write({ event: 'big', big });
    await nextTurn();
    for (let i = 0; i < 5; i++) log.write({ event: 'dropped' });
    await nextTurn();
    expect(stream.chunks).toHaveLength(1);

    const stderr = jest.spyOn(fs, 'writeSync').mockImplementation(() => 0);
    log.close();
    expect(stderr).toHaveBeenCalledTimes(1);
    const [fd, text] = stderr.mock.calls[0] as [number, string];
    expect(fd).toBe(2);
    expect(JSON.parse(text)).toEqual({ time: expect.any(String), level: 'warn', event: 'log_lines_dropped', count: 5 });
    stderr.mockRestore();
  });

  test('close hands pending lines over without waiting, and says nothing when none were dropped', () => {
    const stream = blockedStream();
    const log = new LogStream(stream);
    const stderr = jest.spyOn(fs, 'writeSync').mockImplementation(() => 0);
    log.write({ event: 'last' });
    log.close();
    expect(stream.chunks.map((chunk) => JSON.parse(chunk).event)).toEqual(['last']);
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
  });
});
