import { keepSupplied, Supply } from './client/supply';
import { TokenAnswer, TokenSource, TokenSourceError } from './client/token-source';
import { formatRemaining } from './countdown';
import { About, describeAuth, describeDemo } from './deployment';
import { formError } from './form-errors';
import { decodeJwt, summarise } from './jwt';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('token-form');
const endpoint = byId<HTMLSelectElement>('endpoint');
const kind = byId<HTMLSelectElement>('kind');

/** The token the page holds: its source, kept supplied as an SDK would be, and the countdown. */
let current: { supply: Supply; countdown?: number } | undefined;

/** Only the fields of the chosen endpoint (and kind) are shown and sent. */
function showRelevantFields(): void {
  for (const group of document.querySelectorAll<HTMLElement>('[data-for]')) group.hidden = group.dataset.for !== endpoint.value;
  for (const group of document.querySelectorAll<HTMLElement>('[data-kind]')) group.hidden = group.dataset.kind !== kind.value;
}

function requestBody(): Record<string, string> {
  const body: Record<string, string> = {};
  for (const element of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name], select[name]')) {
    const hidden = element.closest<HTMLElement>('[hidden]') !== null;
    if (!hidden && element.value.trim() !== '' && !['endpoint', 'credential'].includes(element.name)) {
      body[element.name] = element.value.trim();
    }
  }
  return body;
}

/**
 * Asks for a token as an app would, through TokenSource: POST JSON, the credential as a bearer
 * token; then keeps it fresh, a new one fetched when it goes stale.
 */
function start(): void {
  stop();
  clearProblem();
  const credential = byId<HTMLInputElement>('credential').value.trim();
  const source = new TokenSource({
    url: endpoint.value, params: requestBody(), headers: credential ? { Authorization: `Bearer ${credential}` } : {},
  });
  let received = 0;
  source.onToken((answer) => {
    showToken(answer, received);
    received += 1;
  });
  setStatus('Fetching…');
  current = { supply: keepSupplied(source, () => undefined, undefined, { onError: showFailure }) };
}

/** Forgets the token the page holds: a changed endpoint or kind asks for another one. */
function stop(): void {
  if (current === undefined) return;
  current.supply.stop();
  window.clearInterval(current.countdown);
  current = undefined;
}

function setStatus(text: string): void {
  byId('status').textContent = text;
}

function showFailure(error: unknown): void {
  const { code, message, retryAfter } = error instanceof TokenSourceError
    ? error : { code: 'internal', message: 'The page could not ask for a token.', retryAfter: undefined };
  const shown = formError(code, message, retryAfter);
  setStatus('');
  if (byId<HTMLTextAreaElement>('token').value === '') byId('result').hidden = true;
  byId('problem').hidden = false;
  byId('problem-title').textContent = shown.title;
  byId('problem-detail').textContent = shown.text;
  byId('problem-code').textContent = code;
  if (shown.field !== undefined) {
    const field = byId(shown.field);
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

function clearProblem(): void {
  byId('problem').hidden = true;
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
}

function clearResult(): void {
  stop();
  clearProblem();
  setStatus('');
  byId('result').hidden = true;
  byId<HTMLTextAreaElement>('token').value = '';
  for (const id of ['decoded-header', 'decoded-payload', 'summary-identity', 'summary-access', 'summary-issuer', 'countdown']) byId(id).textContent = '';
}

function showToken(answer: TokenAnswer, refreshes: number): void {
  const decoded = decodeJwt(answer.token);
  const summary = summarise(decoded);
  clearProblem();
  byId('result').hidden = false;
  byId<HTMLTextAreaElement>('token').value = answer.token;
  byId('decoded-header').textContent = JSON.stringify(decoded.header, null, 2);
  byId('decoded-payload').textContent = JSON.stringify(decoded.payload, null, 2);
  byId('summary-identity').textContent = summary.identity;
  byId('summary-access-label').textContent = summary.accessLabel;
  byId('summary-access').textContent = summary.access.join(', ') || '(none)';
  byId('summary-issuer').textContent = summary.issuer;
  const expiry = byId<HTMLTimeElement>('summary-expiry');
  expiry.dateTime = summary.expiresAt.toISOString();
  expiry.textContent = summary.expiresAt.toLocaleString();
  byId('refresh-count').textContent = String(refreshes);
  byId('refresh-note').textContent = refreshes > 0 ? `(last at ${new Date().toLocaleTimeString()})` : '';
  setStatus('Token received.');
  startCountdown(summary.expiresAt.getTime());
}

function startCountdown(expiresAtMs: number): void {
  if (current === undefined) return;
  window.clearInterval(current.countdown);
  const tick = () => { byId('countdown').textContent = formatRemaining(expiresAtMs - Date.now()); };
  tick();
  current.countdown = window.setInterval(tick, 1000);
}

async function copyToken(): Promise<void> {
  const token = byId<HTMLTextAreaElement>('token');
  try {
    await navigator.clipboard.writeText(token.value);
  } catch {
    token.select();
    document.execCommand('copy');
  }
  setStatus('Token copied.');
}

/** How this deployment hands out tokens, from /about: caller authentication, demo credentials, endpoints not set up. */
async function showDeployment(): Promise<void> {
  let about: About;
  try {
    const answer = await fetch('/about', { cache: 'no-store' });
    if (!answer.ok) return;
    about = (await answer.json()) as About;
  } catch {
    return;
  }
  byId('deployment-auth').textContent = describeAuth(about.auth);
  byId('deployment-demo').textContent = describeDemo(about.demo);
  for (const option of endpoint.options) {
    if (!about.endpoints.includes(option.value)) option.textContent += ' (not set up here)';
  }
}

endpoint.addEventListener('change', () => {
  clearResult();
  showRelevantFields();
});
kind.addEventListener('change', () => {
  clearResult();
  showRelevantFields();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  start();
});
byId('copy').addEventListener('click', () => void copyToken());
showRelevantFields();
void showDeployment();
