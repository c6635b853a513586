// The Pumphouse dashboard: both clouds side by side, plans made from a pasted plan file, and
// applies followed live on the API's event stream. Plain DOM, no framework, no build step: the
// server hands these files out as they are (src/server/static.ts), with the formatters the CLI
// uses too (src/render/format.ts, compiled, as /format.js): plans and copies read the same in both.

import { clock, copyProgress, summaryLine } from './format.js';

const TOKEN_KEY = 'pumphouse.token';
const ACTION_GROUPS = ['create', 'update', 'migrate', 'conflict', 'host'];
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 15000;
// Several apply_finished events can arrive in one burst (a replayed journal): one refresh covers them.
const CLOUDS_REFRESH_DELAY_MS = 300;
const SAMPLE_PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: dashboard-wave }
spec:
  workloads:
    - projects: ["*"]
      servers: { names: [ops-bastion] }
  maps:
    networks: { public: admin_floating_net }
`;

const byId = (id) => document.getElementById(id);

/** The server said 401: the token is missing or wrong. */
class Unauthorized extends Error {}

let token = takeTokenFromFragment() ?? sessionStorage.getItem(TOKEN_KEY);
let eventsController;
let lastEventId;
let cloudsRefreshTimer;
let live;

// ---------------------------------------------------------------- the token

/** `#token=…` signs in from a link; the fragment is removed so the token is not left on screen or in history. */
function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('token');
  if (!given) return null;
  sessionStorage.setItem(TOKEN_KEY, given);
  history.replaceState(null, '', location.pathname + location.search);
  return given;
}

function showSignIn(message) {
  eventsController?.abort();
  for (const id of ['clouds', 'plan', 'apply']) byId(id).hidden = true;
  byId('auth').hidden = false;
  byId('auth-message').textContent = message;
  byId('connection').textContent = '';
  byId('token-input').focus();
}

function signedOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  token = null;
  showSignIn('The server refused the token (401 Unauthorized). Enter the PUMPHOUSE_API_TOKEN the server was started with.');
}

function onSignIn(event) {
  event.preventDefault();
  token = byId('token-input').value.trim();
  byId('token-input').value = '';
  sessionStorage.setItem(TOKEN_KEY, token);
  start();
}

// ---------------------------------------------------------------- the API

/** One API call with the bearer token; the answer's JSON body (if any) and status. */
async function api(path, { method = 'GET', body, type } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  if (type) headers['content-type'] = type;
  const response = await fetch(path, { method, headers, body, cache: 'no-store' });
  if (response.status === 401) throw new Unauthorized();
  const data = await response.json().catch(() => undefined);
  return { status: response.status, ok: response.ok, data };
}

/** A failed call: a 401 signs out; anything else is said where the operator is looking. */
function report(error, where) {
  if (error instanceof Unauthorized) return signedOut();
  where.textContent = `Error: ${error.message}`;
}

function apiErrorText(answer) {
  const error = answer.data?.error;
  if (!error) return `the server answered ${answer.status}`;
  return `${error.code}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`;
}

// ---------------------------------------------------------------- DOM helpers

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

function paragraph(text, className) {
  return element('p', className ? { class: className } : {}, text);
}

/** A table with a header row; `rows` are arrays of cell texts (or nodes). */
function table(headers, rows, attributes = {}) {
  const head = element('thead', {}, element('tr', {}, ...headers.map((h) => element('th', { scope: 'col' }, h))));
  const body = element('tbody', {}, ...rows.map((cells) => element('tr', {}, ...cells.map((cell) => element('td', {}, cell ?? '')))));
  return element('table', attributes, head, body);
}

/** A region with a heading and its content; screen readers list it by the heading. */
function titledRegion(level, id, title, ...content) {
  return element('section', { id, 'aria-labelledby': `${id}-heading` }, element(`h${level}`, { id: `${id}-heading` }, title), ...content);
}

// ---------------------------------------------------------------- the clouds

async function loadClouds() {
  const status = byId('clouds-status');
  status.textContent = 'Discovering both clouds…';
  byId('refresh-clouds').disabled = true;
  try {
    const answer = await api('/resources');
    if (!answer.ok) throw new Error(apiErrorText(answer));
    renderCloud(byId('cloud-source'), 'Source', answer.data.source);
    renderCloud(byId('cloud-target'), 'Target', answer.data.destination);
    status.textContent = `Updated at ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    report(error, status);
  } finally {
    byId('refresh-clouds').disabled = false;
  }
}

function scheduleCloudsRefresh() {
  clearTimeout(cloudsRefreshTimer);
  cloudsRefreshTimer = setTimeout(loadClouds, CLOUDS_REFRESH_DELAY_MS);
}

function renderCloud(article, role, cloud) {
  const key = role.toLowerCase();
  article.replaceChildren(
    element('h3', {}, `${role} cloud`, cloud.cloud && cloud.cloud !== key ? ` (${cloud.cloud})` : ''),
    titledRegion(4, `${key}-projects`, `Projects (${cloud.projects.length})`,
      table(['Name', 'Enabled'], cloud.projects.map((p) => [p.name, p.enabled ? 'yes' : 'no']))),
    titledRegion(4, `${key}-servers`, `Servers (${cloud.servers.length})`,
      table(['Name', 'Project', 'Status', 'Host'], cloud.servers.map((s) => [s.name, s.project ?? '—', s.status ?? '—', s.host ?? '—']))),
    titledRegion(4, `${key}-hosts`, `Hosts (${cloud.hosts.length})`,
      table(['Name', 'Status', 'State', 'Servers'], cloud.hosts.map((h) => [h.name, h.status ?? '—', h.state ?? '—', h.runningVms ?? '—']))),
    paragraph(`Images: ${cloud.images.length}`),
  );
}

// ---------------------------------------------------------------- plans

async function onPlanSubmit(event) {
  event.preventDefault();
  const result = byId('plan-result');
  const button = event.submitter ?? byId('plan-form').querySelector('button');
  result.replaceChildren(paragraph('Planning: discovering both clouds and comparing them…'));
  button.disabled = true;
  try {
    const answer = await api('/v1/plans', { method: 'POST', body: byId('plan-text').value, type: 'application/yaml' });
    if (answer.status === 201) renderPlan(result, answer.data);
    else if (answer.data?.error?.diagnostics) renderDiagnostics(result, answer.data.error);
    else result.replaceChildren(paragraph(`The plan was refused: ${apiErrorText(answer)}`, 'error'));
  } catch (error) {
    report(error, result);
  } finally {
    button.disabled = false;
  }
}

function renderPlan(result, made) {
  const { plan } = made;
  const groups = ACTION_GROUPS.map((action) => changeGroup(action, plan.changes.filter((c) => c.action === action))).filter(Boolean);
  const unchanged = plan.changes.filter((c) => c.action === 'noop').length;
  const parts = [
    element('h3', {}, `Plan ${plan.plan.name}`),
    paragraph(summaryLine(plan), 'summary'),
    unchanged > 0 ? paragraph(`${unchanged} already on the target as desired.`) : null,
    ...groups,
    blockers(plan),
    plan.applyable ? applyButton(made.id) : paragraph('This plan cannot be applied: resolve its conflicts, errors or failed checks first.', 'error'),
  ];
  result.replaceChildren(...parts.filter(Boolean));
}

function changeGroup(action, changes) {
  if (changes.length === 0) return null;
  const rows = changes.map((c) => [c.address, c.kind, c.project ?? '—', c.reason]);
  return titledRegion(4, `changes-${action}`, `${action} (${changes.length})`, table(['Address', 'Kind', 'Project', 'Reason'], rows, { 'data-action': action }));
}

/** What keeps a plan from being applied: its error diagnostics and failed pre-flight checks. */
function blockers(plan) {
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').map((d) => `${placeOf(d)} ${d.code}: ${d.message}`);
  const failedChecks = plan.preflight.filter((c) => c.status === 'failed').map((c) => `${c.code ? `${c.code} ` : ''}${c.check}: ${c.message}${c.hint ? ` (${c.hint})` : ''}`);
  const lines = [...errors, ...failedChecks];
  if (lines.length === 0) return null;
  return titledRegion(4, 'plan-blockers', 'Problems', element('ul', {}, ...lines.map((line) => element('li', {}, line))));
}

function placeOf(diagnostic) {
  const source = diagnostic.location;
  return source ? `${source.file.split('/').pop()}:${source.line}:${source.col}` : '(plan file)';
}

function renderDiagnostics(result, error) {
  const rows = error.diagnostics.map((d) => [placeOf(d), d.code, d.severity, d.message + (d.hint ? ` (${d.hint})` : '')]);
  result.replaceChildren(
    paragraph(`The plan file has problems: ${error.message}`, 'error'),
    titledRegion(4, 'plan-diagnostics', `Diagnostics (${rows.length})`, table(['Where', 'Code', 'Severity', 'Message'], rows)),
  );
}

function applyButton(planId) {
  const button = element('button', { type: 'button', id: 'apply-button' }, 'Apply this plan');
  const message = element('p', { id: 'apply-start-message', 'aria-live': 'polite' });
  button.addEventListener('click', () => startApply(planId, button, message));
  return element('div', { class: 'apply-start' }, button, message);
}

async function startApply(planId, button, message) {
  button.disabled = true;
  message.textContent = 'Starting the apply…';
  try {
    const answer = await api('/v1/applies', { method: 'POST', body: JSON.stringify({ planId }), type: 'application/json' });
    if (answer.status !== 202) {
      message.textContent = `The apply did not start: ${apiErrorText(answer)}`;
      button.disabled = false;
      return;
    }
    message.textContent = `Apply ${answer.data.id} started; its steps are below.`;
    watchUntilEnded(answer.data.id, message);
  } catch (error) {
    report(error, message);
    button.disabled = false;
  }
}

/**
 * An apply that fails before its first step (a stale plan, an unreachable cloud) emits no
 * apply_finished: its status says so, so the page asks for it until the apply has ended.
 */
async function watchUntilEnded(applyId, message) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answer = await api(`/v1/applies/${encodeURIComponent(applyId)}`).catch((error) => error);
    if (answer instanceof Unauthorized) return signedOut();
    // A server that restarted has forgotten the apply; one that does not answer may be restarting.
    if (answer instanceof Error || answer.status >= 500) continue;
    if (answer.status === 404) return;
    const apply = answer.data;
    if (apply.status === 'running') continue;
    if (apply.status === 'error') message.textContent = `Apply ${applyId} could not run: ${apply.error?.message ?? 'unknown error'}`;
    return;
  }
}

// ---------------------------------------------------------------- the live apply

function beginApplyView(planName, totalSteps, resumed) {
  live = { planName, totalSteps, steps: new Map(), finished: false };
  byId('apply').hidden = false;
  byId('apply-steps').tBodies[0].replaceChildren();
  byId('apply-status').textContent = `Applying plan ${planName}${resumed ? ' (resuming an earlier apply)' : ''}: ${totalSteps} steps.`;
  renderCounts();
}

/** Events of an apply this page saw start elsewhere, or before it connected, still get a view. */
function currentView() {
  if (!live || live.finished) beginApplyView('(started before this page connected)', 0, false);
  return live;
}

function stepRow(stepId) {
  const view = currentView();
  let step = view.steps.get(stepId);
  if (!step) {
    const state = element('td', { class: 'state' });
    const detail = element('td', { class: 'detail' });
    const row = element('tr', { 'data-step': stepId }, element('th', { scope: 'row' }, stepId), state, detail);
    byId('apply-steps').tBodies[0].append(row);
    step = { state: 'pending', phase: '', transfer: '', note: '', cells: { state, detail } };
    view.steps.set(stepId, step);
  }
  return step;
}

function updateStep(stepId, change) {
  const step = Object.assign(stepRow(stepId), change);
  step.cells.state.textContent = step.state;
  step.cells.state.className = `state state-${step.state}`;
  step.cells.detail.textContent = [step.phase, step.transfer, step.note].filter(Boolean).join(' · ');
  renderCounts();
}

function renderCounts() {
  const counts = { running: 0, done: 0, failed: 0, skipped: 0 };
  for (const step of live.steps.values()) if (step.state in counts) counts[step.state]++;
  const waiting = Math.max(0, live.totalSteps - live.steps.size);
  byId('apply-counts').textContent = `${counts.running} running, ${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped${waiting ? `, ${waiting} not started` : ''}.`;
}

function onStepProgress(data) {
  const change = {};
  if (data.phase) change.phase = data.phase;
  if (data.bytes !== undefined) change.transfer = copyProgress(data);
  updateStep(data.step, change);
}

function onStepFinished(data) {
  const state = data.outcome === 'already-done' ? 'done' : data.outcome;
  const took = `${data.outcome === 'already-done' ? 'already done, ' : ''}${clock(data.ms)}`;
  updateStep(data.step, { state, note: data.error ? `${took}: ${data.error}` : took });
}

function onServerDowntime(data) {
  const verb = data.outcome === 'migrated' ? 'was down' : 'was down, then restarted on the source, for';
  byId('apply-status').textContent = `${live?.planName ? `Applying plan ${live.planName}. ` : ''}Server ${data.server} ${verb} ${clock(data.seconds * 1000)}.`;
}

function onApplyFinished(data) {
  const view = currentView();
  view.finished = true;
  const outcome = data.interrupted ? 'was interrupted' : data.failed > 0 ? 'failed' : 'finished';
  byId('apply-status').textContent = `Apply of plan ${data.plan} ${outcome} in ${clock(data.ms)}: ${data.done} done, ${data.alreadyDone} already done, ${data.failed} failed, ${data.skipped} skipped, ${data.pending} pending.`;
  scheduleCloudsRefresh();
}

const EVENT_HANDLERS = {
  apply_started: (data) => beginApplyView(data.plan, data.steps, data.resumed),
  step_started: (data) => updateStep(data.step, { state: 'running', note: data.attempt > 1 ? `attempt ${data.attempt}` : '' }),
  step_progress: onStepProgress,
  step_retry: (data) => updateStep(data.step, { note: `attempt ${data.attempt} failed (${data.code} ${data.error}); retrying in ${clock(data.delayMs)}` }),
  step_finished: onStepFinished,
  server_downtime: onServerDowntime,
  apply_finished: onApplyFinished,
};

function onEvent(frame) {
  const handle = EVENT_HANDLERS[frame.event];
  if (!handle) return;
  try {
    handle(JSON.parse(frame.data).data ?? {});
  } catch (error) {
    console.error('could not show event', frame, error);
  }
}

// ---------------------------------------------------------------- the event stream

/**
 * Splits a text/event-stream into frames ({id, event, data}). EventSource would do this, but it
 * cannot send an Authorization header, so the page reads the stream with fetch().
 */
function eventStreamParser(onFrame) {
  let buffer = '';
  return (text) => {
    buffer += text.replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame = parseFrame(block);
      if (frame) onFrame(frame);
    }
  };
}

function parseFrame(block) {
  const frame = { id: undefined, event: 'message', data: undefined };
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame.data === undefined ? undefined : frame;
}

function setConnection(text) {
  byId('connection').textContent = text;
}

/** Reads the stream once, until it ends; resumes after the last event seen (Last-Event-ID). */
async function readEventStream(signal, query) {
  const headers = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await fetch(`/v1/events${lastEventId === undefined ? query : ''}`, { headers, signal, cache: 'no-store' });
  if (response.status === 401) throw new Unauthorized();
  if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
  setConnection('Live events: connected.');
  const push = eventStreamParser((frame) => {
    if (frame.id !== undefined) lastEventId = frame.id;
    onEvent(frame);
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    push(value);
  }
}

/** Follows the events for as long as the page is signed in, reconnecting with a growing delay. */
async function followEvents(signal, query) {
  let delay = RECONNECT_FIRST_MS;
  while (!signal.aborted) {
    try {
      await readEventStream(signal, query);
      delay = RECONNECT_FIRST_MS;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof Unauthorized) return signedOut();
    }
    setConnection(`Live events: connection lost; reconnecting in ${clock(delay)}…`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  }
}

/**
 * With an apply already running, the journal is replayed from the start so its view is whole
 * (the newest apply_started resets the view); otherwise only new events are needed.
 */
async function startEvents() {
  eventsController?.abort();
  eventsController = new AbortController();
  let query = '';
  try {
    const answer = await api('/v1/applies');
    if (answer.data?.applies?.some((apply) => apply.status === 'running')) query = '?after=0';
  } catch (error) {
    if (error instanceof Unauthorized) return signedOut();
  }
  followEvents(eventsController.signal, query);
}

// ---------------------------------------------------------------- start

function start() {
  if (!token) return showSignIn('');
  byId('auth').hidden = true;
  for (const id of ['clouds', 'plan']) byId(id).hidden = false;
  loadClouds();
  startEvents();
}

byId('auth-form').addEventListener('submit', onSignIn);
byId('plan-form').addEventListener('submit', onPlanSubmit);
byId('refresh-clouds').addEventListener('click', loadClouds);
byId('plan-text').value = SAMPLE_PLAN;
start();
