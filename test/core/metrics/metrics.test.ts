import { statusClass, timeUpstream } from '../../../src/core/metrics/metrics';
import { recordingMetrics } from '../../support/metrics';

describe('statusClass', () => {
  test.each([[200, '2xx'], [201, '2xx'], [302, '3xx'], [404, '4xx'], [503, '5xx'], [0, 'error'], [600, 'error']])('%p → %p', (status, label) => {
    expect(statusClass(status)).toBe(label);
  });
});

describe('timeUpstream', () => {
  test('records a resolved request as 2xx, with its duration, and returns its answer', async () => {
    const metrics = recordingMetrics();
    await expect(timeUpstream(metrics, 'vonage_video', () => 'timeout', async () => 'answer')).resolves.toBe('answer');
    expect(metrics.calls).toEqual([['upstreamRequest', 'vonage_video', '2xx', 'number']]);
  });

  test('records a failure as its outcome and rethrows it unchanged', async () => {
    const metrics = recordingMetrics();
    const failure = new Error('socket hang up');
    await expect(timeUpstream(metrics, 'twilio_video', (error) => (error === failure ? 'unreachable' : 'error'), () => Promise.reject(failure)))
      .rejects.toBe(failure);
    expect(metrics.calls).toEqual([['upstreamRequest', 'twilio_video', 'unreachable', 'number']]);
  });
});
