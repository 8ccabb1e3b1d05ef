import { loadConfig, ReadAsset } from '../../src/core/config/config';
import { startService } from '../../src/core/service';
import { endpointAt } from '../../src/core/endpoints';
import { LogFields } from '../../src/core/log';

/** An endpoint's outcome in the shape the tests read: status, headers, the parsed body, the log fields. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  json(): Record<string, any>;
  log: LogFields;
}

/**
 * Calls the core endpoint at `path` as every host does: configuration loaded from `env`, then the
 * request's parameters and headers.
 */
export async function callEndpoint(
  path: string, env: Record<string, string>, params: Record<string, unknown>,
  headers: Record<string, string> = {}, readAsset?: ReadAsset,
): Promise<Answer> {
  const endpoint = await endpointAt(path);
  const { reply, log } = await endpoint({ params, headers: lowerCase(headers) }, startService(loadConfig(env, readAsset)));
  // Through JSON, as every host sends it: what a client reads, not the object in memory.
  const body = JSON.parse(JSON.stringify(reply.body));
  return { statusCode: reply.status, headers: reply.headers, json: () => body, log };
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
