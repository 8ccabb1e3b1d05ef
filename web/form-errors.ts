/**
 * What the form says for each refusal. The service's `detail` is written for API callers ("pass
 * ?identity=<name>"); the form speaks of its own fields instead, and quotes the detail only where
 * it describes what was typed (which character of the identity, which limit of the TTL).
 */
export interface FormError {
  title: string;
  /** The form's own explanation. */
  text?: string;
  /** The service's detail says what was wrong with the value typed: show it. */
  quoteDetail?: boolean;
  /** The id of the field to fix, marked invalid and focused. */
  field?: string;
}

const formErrors: Readonly<Record<string, FormError>> = {
  identity_missing: { title: 'Enter an identity', text: 'Type the user\'s name under Identity, or enter a credential that carries one.', field: 'identity' },
  identity_invalid: { title: 'This identity cannot be used', quoteDetail: true, field: 'identity' },
  identity_mismatch: { title: 'The identity is not the one your credential carries', text: 'Leave Identity empty to use the credential\'s own.', field: 'identity' },
  ttl_invalid: { title: 'Check the TTL', quoteDetail: true, field: 'ttl' },
  grant_invalid: { title: 'Check the grants', text: 'List some of video, chat, voice and sync, separated by commas, or leave Grants empty for all.', field: 'grants' },
  grant_unavailable: { title: 'That grant is not set up here', quoteDetail: true, field: 'grants' },
  grant_forbidden: { title: 'Your credential does not allow that grant', quoteDetail: true, field: 'grants' },
  param_invalid: { title: 'Check the form', quoteDetail: true },
  kind_invalid: { title: 'Choose a kind', field: 'kind' },
  session_id_missing: { title: 'Enter a session id', text: 'A Video token is for one session: paste its id under Session id.', field: 'session-id' },
  session_id_invalid: { title: 'Check the session id', quoteDetail: true, field: 'session-id' },
  role_invalid: { title: 'Choose another role', quoteDetail: true, field: 'role' },
  role_forbidden: { title: 'That role is not allowed here', quoteDetail: true, field: 'role' },
  data_invalid: { title: 'Check the connection data', quoteDetail: true, field: 'data' },
  auth_required: { title: 'This service asks for a credential', text: 'Enter the passcode or bearer token under Credential.', field: 'credential' },
  auth_invalid: { title: 'The credential was not accepted', quoteDetail: true, field: 'credential' },
  rate_limited: { title: 'Too many tokens for now' },
  network_error: { title: 'The service could not be reached', text: 'Check your connection; the page will try again.' },
  timeout: { title: 'The service did not answer in time', text: 'The page will try again.' },
  config_missing: { title: 'This endpoint is not set up on this deployment', quoteDetail: true },
  config_invalid: { title: 'This deployment\'s configuration is broken', quoteDetail: true },
};

/**
 * What the form shows for a refusal with `code` and the service's `detail`; an unknown code shows the detail as it is.
 *
 * @example formError('identity_missing', 'identity is required: pass ?identity=<name>.').title // 'Enter an identity'
 */
export function formError(code: string, detail: string, retryAfter?: number): FormError & { text: string } {
  const known = formErrors[code];
  if (known === undefined) return { title: 'The token was refused', text: detail };
  const parts = [known.text, known.quoteDetail ? detail : undefined];
  if (retryAfter !== undefined) parts.push(`The page asks again in ${retryAfter} s.`);
  return { ...known, text: parts.filter(Boolean).join(' ') };
}
