import { bearerToken, required } from '../auth/authenticate';
import { invalidCredentials } from '../auth/caller';
import { sameSecret } from '../auth/same-secret';
import { Headers } from '../request/params';

/**
 * Lets a scrape through only with `Authorization: Bearer <METRICS_TOKEN>`, compared in constant
 * time; otherwise `auth_required` or `auth_invalid` (401, with RFC 6750's challenge). What was
 * sent is never echoed.
 *
 * @example checkMetricsAccess(req.headers, token) // throws unless the bearer token is the configured one
 */
export function checkMetricsAccess(headers: Headers, token: string): void {
  const presented = bearerToken(headers);
  if (presented === undefined) throw required('Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.');
  if (!sameSecret(presented, token)) throw invalidCredentials('The metrics token is not correct.');
}
