import { decodeJwt, summarise } from './jwt';
import { formatRemaining, refreshDelayMs } from './refresh';

/** An RFC 9457 problem as the service answers it. */
interface Problem {
  title?: string;
  detail?: string;
  code?: string;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('token-form');
const endpoint = byId<HTMLSelectElement>('endpoint');
const kind = byId<HTMLSelectElement>('kind');

let refreshTimer: number | undefined;
let countdownTimer: number | undefined;
let refreshes = 0;

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

/** Fetches a token as an app would: POST JSON, with the credential as a bearer token when given. */
async function fetchToken(): Promise<void> {
  const credential = byId<HTMLInputElement>('credential').value.trim();
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (credential) headers.Authorization = `Bearer ${credential}`;
  setStatus('Fetching…');
  let response: Response;
  try {
    response = await fetch(endpoint.value, { method: 'POST', headers, body: JSON.stringify(requestBody()) });
  } catch {
    showProblem({ title: 'Network error', detail: 'The service could not be reached.' });
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    showProblem(body as Problem);
    return;
  }
  showToken((body as { token: string }).token);
}

function setStatus(text: string): void {
  byId('status').textContent = text;
}

function showProblem(problem: Problem): void {
  stopTimers();
  setStatus('');
  byId('result').hidden = true;
  byId('problem').hidden = false;
  byId('problem-title').textContent = problem.title ?? 'Request failed';
  byId('problem-detail').textContent = problem.detail ?? '';
  byId('problem-code').textContent = problem.code ?? '';
}

function showToken(token: string): void {
  const decoded = decodeJwt(token);
  const summary = summarise(decoded);
  byId('problem').hidden = true;
  byId('result').hidden = false;
  byId<HTMLTextAreaElement>('token').value = token;
  byId('decoded-header').textContent = JSON.stringify(decoded.header, null, 2);
  byId('decoded-payload').textContent = JSON.stringify(decoded.payload, null, 2);
  byId('summary-identity').textContent = summary.identity;
  byId('summary-access-label').textContent = summary.accessLabel;
  byId('summary-access').textContent = summary.access.join(', ') || '(none)';
  byId('summary-issuer').textContent = summary.issuer;
  const expiry = byId<HTMLTimeElement>('summary-expiry');
  expiry.dateTime = summary.expiresAt.toISOString();
  expiry.textContent = summary.expiresAt.toLocaleString();
  setStatus('Token received.');
  scheduleRefresh(summary.expiresAt.getTime());
}

/** A live countdown, and a new token shortly before this one expires. */
function scheduleRefresh(expiresAtMs: number): void {
  stopTimers();
  const tick = () => { byId('countdown').textContent = formatRemaining(expiresAtMs - Date.now()); };
  tick();
  countdownTimer = window.setInterval(tick, 1000);
  refreshTimer = window.setTimeout(async () => {
    refreshes += 1;
    byId('refresh-count').textContent = String(refreshes);
    byId('refresh-note').textContent = `(last at ${new Date().toLocaleTimeString()})`;
    await fetchToken();
  }, refreshDelayMs(Date.now(), expiresAtMs));
}

function stopTimers(): void {
  window.clearTimeout(refreshTimer);
  window.clearInterval(countdownTimer);
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

endpoint.addEventListener('change', showRelevantFields);
kind.addEventListener('change', showRelevantFields);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  refreshes = 0;
  byId('refresh-count').textContent = '0';
  byId('refresh-note').textContent = '';
  void fetchToken();
});
byId('copy').addEventListener('click', () => void copyToken());
showRelevantFields();
