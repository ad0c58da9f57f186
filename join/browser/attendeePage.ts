// The /join page on an attendee's phone: two buttons, the latency of their request and where its time went.
import './attendeePage.css';
import { ATTENDEE_ID_HEADER, ATTENDEE_NAME_HEADER, cleanNickname } from '../attendeeIdentity.ts';
import { attendeeId, saveNickname, savedNickname } from './attendeeStorage.ts';
import type { RateLimitedBody } from '../../model/index.ts';
import { summarizeTrace, type TraceSummary } from './traceSummary.ts';
import { waitForTrace } from './traceWait.ts';

interface DemoResult {
  traceID: string;
  durationMs: number;
  status: number;
}

const FRIENDLY_LIMIT = 'Easy there — the coffee bar is busy, try again in a second.';
const MEASURING = 'The presenter is measuring — yours goes next.';
const MEASURING_FULL = 'The presenter is measuring and the queue is full — try again in a few seconds.';

/** The API lives next to the page (/join → /api/…), also when the deck is served under a sub-path. */
const apiBase = new URL('.', location.href);
const id = attendeeId();

function el<T extends HTMLElement>(elementId: string): T {
  const found = document.getElementById(elementId);
  if (!found) throw new Error(`join.html lacks #${elementId}`);
  return found as T;
}

const ui = {
  crowd: el('crowd'),
  result: el('result'),
  latency: el('latency'),
  resultNote: el('resultNote'),
  sinksTitle: el('sinksTitle'),
  sinks: el<HTMLOListElement>('sinks'),
  message: el('message'),
  nickname: el<HTMLInputElement>('nickname'),
  buttons: [el<HTMLButtonElement>('sendNormal'), el<HTMLButtonElement>('sendSlow')],
};

/** The hole found in the attendee's own request, above where the time went (made here: join.html has no slot for it). */
const topFinding = (() => {
  const p = document.createElement('p');
  p.className = 'note finding';
  p.hidden = true;
  ui.sinksTitle.before(p);
  return p;
})();

function showMessage(text: string | undefined): void {
  ui.message.hidden = text === undefined;
  ui.message.textContent = text ?? '';
}

function pauseButtons(seconds: number): void {
  for (const b of ui.buttons) b.disabled = true;
  setTimeout(() => {
    for (const b of ui.buttons) b.disabled = false;
  }, seconds * 1000);
}

function fmtMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms.toFixed(1);
}

function renderSummary(summary: TraceSummary, complete: boolean): void {
  // A finding's title quotes span names: text only.
  topFinding.hidden = summary.topFinding === undefined;
  topFinding.textContent = summary.topFinding ? `Hole found: ${summary.topFinding}` : '';
  ui.sinksTitle.hidden = summary.top.length === 0;
  ui.sinks.replaceChildren(
    ...summary.top.map((sink) => {
      const li = document.createElement('li');
      const ms = document.createElement('span');
      ms.className = 'ms';
      ms.textContent = `${fmtMs(sink.selfMs)} ms`;
      // Service and operation names come from spans: text only.
      li.append(ms, ` in ${sink.service} · ${sink.operation}${sink.spans > 1 ? ` (${sink.spans} spans)` : ''}`);
      return li;
    }),
  );
  const errors = summary.errors ? `, ${summary.errors} with errors` : '';
  ui.resultNote.textContent = `${summary.spans} spans across ${summary.services} services${errors}${complete ? '.' : ' — more arriving…'}`;
}

let latestRequest = 0;
/** The presenter's proof holds new requests for a few seconds (told over the presence stream); a request sent meanwhile waits its turn. */
let measuring = false;
let waitingForAnswer = false;

function sayIfWaiting(): void {
  if (waitingForAnswer && measuring) showMessage(MEASURING);
}

async function send(kind: 'normal' | 'slow'): Promise<void> {
  const mine = ++latestRequest;
  const name = cleanNickname(ui.nickname.value);
  ui.nickname.value = name;
  saveNickname(name);
  showMessage(undefined);
  const headers: Record<string, string> = { 'content-type': 'application/json', [ATTENDEE_ID_HEADER]: id };
  if (name) headers[ATTENDEE_NAME_HEADER] = name;

  let res: Response;
  waitingForAnswer = true;
  sayIfWaiting();
  try {
    res = await fetch(new URL('api/demo/requests', apiBase), { method: 'POST', headers, body: JSON.stringify({ kind, count: 1 }) });
  } catch {
    showMessage('Cannot reach the demo server. Are you on the same Wi-Fi as the presenter?');
    return;
  } finally {
    waitingForAnswer = false;
  }
  if (ui.message.textContent === MEASURING) showMessage(undefined);

  if (res.status === 429) {
    const body = (await res.json().catch(() => undefined)) as RateLimitedBody | undefined;
    const wait = Number(res.headers.get('retry-after')) || body?.retryAfterSeconds || 1;
    showMessage(body?.limit === 'measuring' ? MEASURING_FULL : FRIENDLY_LIMIT);
    pauseButtons(Math.min(wait, 10));
    return;
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { reason?: string; error?: string } | undefined;
    const why = body?.reason ?? body?.error;
    showMessage(res.status === 404 ? 'The demo is not running right now.' : `That did not work (${res.status})${why ? `: ${why}` : ''}.`);
    return;
  }

  const [result] = (await res.json()) as DemoResult[];
  if (!result || mine !== latestRequest) return;
  ui.result.hidden = false;
  ui.latency.textContent = fmtMs(result.durationMs);
  ui.latency.classList.remove('fresh');
  void ui.latency.offsetWidth; // restart the arrival animation
  ui.latency.classList.add('fresh');
  ui.sinks.replaceChildren();
  ui.sinksTitle.hidden = true;
  const statusNote = result.status >= 400 ? ` It failed with status ${result.status}.` : '';
  ui.resultNote.textContent = `Your ${kind} request took this long.${statusNote} Finding its trace…`;

  // A request that failed before the mesh traced it has no id: asking for "" would list other people's traces.
  if (!result.traceID) {
    ui.resultNote.textContent = `Your ${kind} request failed before it left a trace${result.status ? ` (status ${result.status})` : ''}.`;
    return;
  }
  const trace = await waitForTrace(apiBase, result.traceID, {
    cancelled: () => mine !== latestRequest,
    onProgress: (t) => renderSummary(summarizeTrace(t), false),
  });
  if (mine !== latestRequest) return;
  if (trace) renderSummary(summarizeTrace(trace), true);
  else ui.resultNote.textContent = 'Its trace has not arrived yet — look for it on the big screen.';
}

function watchCrowd(): void {
  const url = new URL('api/audience/presence', apiBase);
  url.searchParams.set('attendee', id);
  const events = new EventSource(url);
  events.addEventListener('count', (e) => {
    const n = Number((e as MessageEvent<string>).data);
    ui.crowd.textContent = n <= 1 ? 'You are the first one here.' : `You and ${n - 1} other${n === 2 ? '' : 's'} are connected.`;
  });
  events.addEventListener('measuring', (e) => {
    const until = (JSON.parse((e as MessageEvent<string>).data) as { until: number | null }).until;
    measuring = until !== null;
    sayIfWaiting();
  });
  // EventSource reconnects by itself; the text says so meanwhile.
  events.addEventListener('error', () => {
    ui.crowd.textContent = 'Reconnecting…';
  });
}

ui.nickname.value = savedNickname();
ui.nickname.addEventListener('change', () => {
  ui.nickname.value = cleanNickname(ui.nickname.value);
  saveNickname(ui.nickname.value);
});
for (const button of ui.buttons) {
  button.addEventListener('click', () => void send(button.dataset.kind === 'slow' ? 'slow' : 'normal'));
}
watchCrowd();
