// Operator console: overview charts, keys, tasks and traces, over the bridge's admin API (docs/api.md, "Operator console").
// Signed in with the admin token, or with a root signature made here (the bridge answers with a session token).
import { signRequest } from './lib/crynux-crypto.js';
import { timeChart } from './lib/console-charts.js';
import { describeError, describeFetchFailure, readBody, showError } from './common.js';

const CREDENTIAL_STORAGE = 'crynux-bridge.console';
const PAGE_SIZE = 50;
const $ = id => document.getElementById(id);

let credential = null; // { kind: 'token' | 'session', value, label }
const state = { keys: [], sort: { field: 'key_id', dir: 1 }, editing: null, offset: 0, filters: '', hasMore: false };

function loadCredential() {
  try { return JSON.parse(sessionStorage.getItem(CREDENTIAL_STORAGE) || 'null'); } catch { return null; }
}

function saveCredential(value) {
  try {
    if (value) sessionStorage.setItem(CREDENTIAL_STORAGE, JSON.stringify(value));
    else sessionStorage.removeItem(CREDENTIAL_STORAGE);
  } catch { /* storage disabled: signed in for this page only */ }
}

/** A call of the admin API: the admin token goes as ?auth= (the trace and key routes' contract) and as a bearer. */
async function api(path, { method = 'GET', body, query = {} } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query)) if (v !== '' && v !== undefined && v !== null) url.searchParams.set(k, v);
  if (credential?.kind === 'token') url.searchParams.set('auth', credential.value);
  const headers = { Accept: 'application/json' };
  if (credential) headers.Authorization = 'Bearer ' + credential.value;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new Error(describeFetchFailure(err, location.origin));
  }
  const json = await readBody(response);
  if (response.status === 401) {
    if (credential?.kind === 'session' && path.startsWith('/v1/admin/keys')) {
      // The key API takes the admin token (or its own signed requests), not a console session.
      throw new Error('The key list needs the admin token: sign in with it to see and edit keys.');
    }
    signOut('Signed out: the bridge did not accept the credential (HTTP 401).');
    throw new Error('unauthorized');
  }
  if (!response.ok) throw new Error(describeError(response.status, json));
  return json.data;
}

// ---- sign-in -------------------------------------------------------------------------------------------------------

async function signInWithToken(event) {
  event.preventDefault();
  const token = $('admin-token').value.trim();
  if (!token) return showError($('signin-error'), 'Enter the admin token.');
  credential = { kind: 'token', value: token, label: 'admin token' };
  await enter();
}

async function signInWithRoot(event) {
  event.preventDefault();
  const key = $('root-key').value.trim();
  try {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signRequest(key, { action: 'console_session' }, timestamp);
    const response = await fetch('/v1/admin/console/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ timestamp, signature }),
    });
    const json = await readBody(response);
    if (!response.ok) throw new Error(describeError(response.status, json));
    credential = { kind: 'session', value: json.data.token, label: 'root signature' };
    $('root-key').value = '';
    await enter();
  } catch (err) {
    showError($('signin-error'), err.message);
  }
}

async function enter() {
  try {
    await api('/v1/admin/console/overview', { query: { window: 'hour' } });
  } catch (err) {
    credential = null;
    showError($('signin-error'), err.message === 'unauthorized' ? 'The bridge refused this credential.' : err.message);
    return;
  }
  saveCredential(credential);
  showError($('signin-error'), '');
  $('signin').classList.add('hidden');
  $('app').classList.remove('hidden');
  $('signed-in').textContent = 'Signed in with the ' + credential.label;
  show('overview');
}

function signOut(message) {
  credential = null;
  saveCredential(null);
  $('app').classList.add('hidden');
  $('signin').classList.remove('hidden');
  showError($('signin-error'), message || '');
}

function show(view) {
  for (const button of document.querySelectorAll('.tab-button')) button.setAttribute('aria-selected', String(button.dataset.view === view));
  for (const section of document.querySelectorAll('.view')) section.classList.toggle('hidden', section.id !== 'view-' + view);
  showError($('error'), '');
  const load = { overview: loadOverview, keys: loadKeys, tasks: loadTasks }[view];
  load().catch(err => { if (err.message !== 'unauthorized') showError($('error'), err.message); });
}

// ---- overview ------------------------------------------------------------------------------------------------------

function stat(label, value) {
  const div = el('div', 'stat');
  div.append(el('div', 'value', value), el('div', 'label', label));
  return div;
}

async function loadOverview() {
  const started = performance.now();
  const data = await api('/v1/admin/console/overview', { query: { window: $('window').value } });
  const perMinute = data.bucket_seconds / 60;
  const t = data.totals;
  const ttr = data.time_to_result;
  $('stats').replaceChildren(
    stat('tasks admitted', String(t.admitted)), stat('succeeded', String(t.success)), stat('failed', String(t.failed)),
    stat('running', String(t.running)), stat('p50 time to result', seconds(ttr.overall_p50_seconds)),
    stat('p95 time to result', seconds(ttr.overall_p95_seconds)), stat('CNX spent', data.spend.total_cnx),
    stat('Relay balance (CNX)', data.relay_balance_cnx ?? ('unavailable: ' + (data.relay_balance_error || '')))
  );
  timeChart($('chart-outcomes'), data.outcomes.times, [
    { label: 'success', values: data.outcomes.success.map(n => n / perMinute), bars: true },
    { label: 'failed', values: data.outcomes.failed.map(n => n / perMinute), bars: true },
  ], { yLabel: 'tasks/min' });
  timeChart($('chart-latency'), ttr.times, [
    { label: 'p50', values: ttr.p50_seconds }, { label: 'p95', values: ttr.p95_seconds },
  ], { yLabel: 'seconds' });
  timeChart($('chart-spend'), data.spend.times, [{ label: 'CNX/hour', values: data.spend.cnx_per_hour, bars: true }], { yLabel: 'CNX/h' });
  const open = Object.entries(data.open_tasks_by_stage);
  const most = Math.max(1, ...open.map(([, n]) => n));
  $('open-stages').replaceChildren(...open.map(([stage, n]) => {
    const row = el('div', 'stage');
    row.append(el('span', '', stage), bar(n / most), el('span', 'mono', String(n)));
    return row;
  }));
  $('overview-time').textContent = `as of ${new Date(data.to * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC · loaded in ${Math.round(performance.now() - started)} ms`;
  document.body.dataset.overviewLoaded = 'true';
}

// ---- keys ----------------------------------------------------------------------------------------------------------

async function loadKeys() {
  const all = [];
  for (let offset = 0; ; offset += 500) {
    const data = await api('/v1/admin/keys', { query: { limit: 500, offset } });
    all.push(...data.keys);
    if (all.length >= data.total || data.keys.length === 0) break;
  }
  state.keys = all;
  renderKeys();
}

function compare(a, b, field) {
  const x = a[field], y = b[field];
  if (field === 'key_id') return Number(x) - Number(y);
  if (field === 'spent_wei') return (BigInt(x || 0) > BigInt(y || 0)) - (BigInt(x || 0) < BigInt(y || 0));
  if (Array.isArray(x)) return String(x).localeCompare(String(y));
  if (typeof x === 'number' || typeof y === 'number') return (x ?? -1) - (y ?? -1);
  return String(x ?? '').localeCompare(String(y ?? ''));
}

function renderKeys() {
  const { field, dir } = state.sort;
  for (const th of document.querySelectorAll('#keys-table th[data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === field ? (dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  const keys = [...state.keys].sort((a, b) => dir * compare(a, b, field));
  $('keys-empty').classList.toggle('hidden', keys.length > 0);
  $('keys-table').querySelector('tbody').replaceChildren(...keys.map(key => {
    const row = document.createElement('tr');
    row.dataset.keyId = String(key.key_id);
    const spent = cnx(key.spent_wei);
    const spendLimit = Number(key.spend_limit_cnx || 0);
    const edit = el('button', 'secondary small edit-key', 'Edit');
    edit.type = 'button';
    edit.addEventListener('click', () => openEditor(key));
    row.append(
      cell(String(key.key_id), 'mono'), cell(key.client_id, 'mono'), cell((key.roles || []).join(', ')),
      barCell(key.use_limit ? key.used / key.use_limit : 0, `${key.used} / ${key.use_limit || '∞'}`),
      barCell(spendLimit ? spent / spendLimit : 0, `${spent.toFixed(2)} / ${spendLimit ? spendLimit : '∞'} CNX`),
      cell(String(key.rate_limit || '∞')), cell(key.expires_at ? key.expires_at.slice(0, 16).replace('T', ' ') : 'never'),
      cell(String(key.tasks ?? 0)), cell(String(key.failures ?? 0)), tdOf(edit));
    return row;
  }));
}

function openEditor(key) {
  state.editing = key;
  $('edit-key-id').textContent = `#${key.key_id} · ${key.client_id}`;
  for (const box of document.querySelectorAll('#key-editor input[name=role]')) box.checked = (key.roles || []).includes(box.value);
  $('edit-use-limit').value = key.use_limit ?? '';
  $('edit-rate-limit').value = key.rate_limit ?? '';
  $('edit-spend-limit').value = key.spend_limit_cnx ?? '';
  $('edit-expires').value = key.expires_at ? key.expires_at.slice(0, 16) : '';
  $('edit-models').value = (key.models || []).join(', ');
  showError($('edit-error'), '');
  $('key-editor').classList.remove('hidden');
  $('key-editor').scrollIntoView({ block: 'nearest' });
}

async function saveKey(event) {
  event.preventDefault();
  const key = state.editing;
  if (!key) return;
  const body = {
    roles: [...document.querySelectorAll('#key-editor input[name=role]:checked')].map(b => b.value),
    use_limit: integer($('edit-use-limit').value),
    rate_limit: integer($('edit-rate-limit').value),
    // Empty fields mean no limit: null spend limit, null model list (every model), null expiry (never).
    spend_limit_cnx: $('edit-spend-limit').value.trim() || null,
    expires_at: $('edit-expires').value ? $('edit-expires').value + ':00Z' : null,
  };
  const models = $('edit-models').value.split(',').map(m => m.trim()).filter(Boolean);
  body.models = models.length ? models : null;
  try {
    await api(`/v1/admin/keys/${encodeURIComponent(key.key_id)}`, { method: 'PATCH', body });
    $('key-editor').classList.add('hidden');
    state.editing = null;
    await loadKeys();
  } catch (err) {
    if (err.message !== 'unauthorized') showError($('edit-error'), err.message);
  }
}

// ---- tasks and traces ----------------------------------------------------------------------------------------------

function filterQuery() {
  const utc = v => (v ? new Date(v + ':00Z').toISOString() : '');
  return {
    key_id: $('f-key').value.trim(), client_id: $('f-client').value.trim(), status: $('f-status').value,
    model: $('f-model').value.trim(), from: utc($('f-from').value), to: utc($('f-to').value),
  };
}

async function loadTasks() {
  const data = await api('/v1/admin/console/tasks', { query: { ...filterQuery(), limit: PAGE_SIZE, offset: state.offset } });
  state.hasMore = data.has_more;
  $('prev-page').disabled = state.offset === 0;
  $('next-page').disabled = !data.has_more;
  $('page-info').textContent = data.tasks.length ? `tasks ${state.offset + 1}–${state.offset + data.tasks.length}` : 'no tasks match';
  $('tasks-table').querySelector('tbody').replaceChildren(...data.tasks.map(task => {
    const row = document.createElement('tr');
    row.className = 'clickable';
    row.dataset.taskId = task.public_id;
    row.append(
      cell(String(task.id), 'mono'), cell(isoSecond(task.created_at)), cell(short(task.client_id), 'mono'), cell(task.kind),
      cell(task.model || ''), cell(task.status, 'status-' + task.status), cell(task.duration_seconds === null ? '' : seconds(task.duration_seconds)),
      cell(String(task.relay_tasks) + (task.validated_in_group ? ' (group)' : '')), cell(task.paid_cnx), cell(task.error || ''));
    row.addEventListener('click', () => openTrace(task.public_id).catch(err => showError($('error'), err.message)));
    return row;
  }));
}

async function openTrace(taskId) {
  const trace = await api(`/v1/admin/console/tasks/${encodeURIComponent(taskId)}/trace`);
  $('trace-id').textContent = taskId;
  const summary = [['source', trace.source], ['endpoint', trace.endpoint], ['client', trace.client_id], ['model', trace.model || ''],
    ['requested', trace.request_time], ['answered', trace.response_time || '—'], ['took', trace.duration_seconds === undefined ? '—' : seconds(trace.duration_seconds)],
    ['error', trace.error || '—']];
  $('trace-summary').replaceChildren(...summary.flatMap(([k, v]) => [el('dt', '', k), el('dd', 'mono', String(v))]));
  const tasks = trace.parallel_tasks;
  const times = tasks.flatMap(t => [Date.parse(t.created_at), ...t.events.map(e => Date.parse(e.timestamp))]);
  const start = Math.min(...times, Date.parse(trace.request_time));
  const end = Math.max(...times, trace.response_time ? Date.parse(trace.response_time) : start + 1);
  const span = Math.max(1, end - start);
  const at = ms => `${(100 * (ms - start) / span).toFixed(2)}%`;
  $('timeline').replaceChildren(...tasks.map(task => {
    const lane = el('div', 'lane');
    lane.dataset.role = task.role;
    const who = el('div', 'who');
    who.append(el('span', 'role ' + task.role, task.role), el('span', 'mono', short(task.task_id_commitment || '(not sent)')), el('div', 'hint', task.status));
    const track = el('div', 'track');
    const first = Date.parse(task.created_at);
    const last = task.events.length ? Date.parse(task.events[task.events.length - 1].timestamp) : first;
    const bodySpan = el('div', 'span');
    bodySpan.style.left = at(first);
    bodySpan.style.width = `${Math.max(0.5, (100 * (last - first)) / span).toFixed(2)}%`;
    track.append(bodySpan);
    for (const e of task.events) {
      const dot = el('div', 'dot' + (/aborted|invalidated|rejected|refunded/.test(e.name) ? ' end-bad' : /downloaded$|succeeded$/.test(e.name) ? ' end-good' : ''));
      dot.style.left = at(Date.parse(e.timestamp));
      dot.title = `${e.name} · ${e.task_status} · ${e.timestamp}${e.details ? ' · ' + e.details : ''}`;
      track.append(dot);
    }
    lane.append(who, track);
    return lane;
  }));
  const table = el('table', 'grid events');
  const rows = tasks.flatMap(task => task.events.map(e => ({ task, e }))).sort((a, b) => Date.parse(a.e.timestamp) - Date.parse(b.e.timestamp));
  table.append(...rows.map(({ task, e }) => {
    const row = document.createElement('tr');
    row.append(cell(e.timestamp.slice(11, 23), 'mono'), cell(`+${((Date.parse(e.timestamp) - start) / 1000).toFixed(3)} s`, 'mono'),
      cell(task.role), cell(short(task.task_id_commitment || ''), 'mono'), cell(e.name), cell(e.task_status), cell(e.details || ''));
    return row;
  }));
  $('trace-events').replaceChildren(table);
  $('trace').classList.remove('hidden');
  $('trace').scrollIntoView({ block: 'start' });
}

// ---- small helpers -------------------------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function cell(text, className) { return el('td', className, text); }

function tdOf(child) { const td = document.createElement('td'); td.append(child); return td; }

function bar(fraction, kind = '') {
  const outer = el('div', 'bar' + (kind ? ' ' + kind : ''));
  const inner = document.createElement('span');
  inner.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  outer.append(inner);
  return outer;
}

function barCell(fraction, text) {
  const td = el('td', 'bar-cell');
  td.append(bar(fraction, fraction >= 1 ? 'danger' : fraction >= 0.8 ? 'warn' : ''), el('span', 'hint', text));
  return td;
}

function cnx(wei) {
  try { return Number(BigInt(wei || 0) / 1000000000000n) / 1e6; } catch { return 0; }
}

function integer(text) { const n = Number.parseInt(text, 10); return Number.isFinite(n) ? n : 0; }
function seconds(s) { return s === null || s === undefined ? '—' : `${Number(s).toFixed(2)} s`; }
function short(s) { return s && s.length > 18 ? `${s.slice(0, 10)}…${s.slice(-6)}` : (s || ''); }
function isoSecond(unix) { return new Date(unix * 1000).toISOString().slice(0, 19).replace('T', ' '); }

// ---- wiring --------------------------------------------------------------------------------------------------------

$('token-form').addEventListener('submit', signInWithToken);
$('root-form').addEventListener('submit', signInWithRoot);
$('signout').addEventListener('click', () => signOut(''));
for (const button of document.querySelectorAll('.tab-button')) button.addEventListener('click', () => show(button.dataset.view));
$('window').addEventListener('change', () => loadOverview().catch(err => showError($('error'), err.message)));
$('refresh').addEventListener('click', () => loadOverview().catch(err => showError($('error'), err.message)));
for (const th of document.querySelectorAll('#keys-table th[data-sort]')) {
  th.addEventListener('click', () => {
    state.sort = { field: th.dataset.sort, dir: state.sort.field === th.dataset.sort ? -state.sort.dir : 1 };
    renderKeys();
  });
}
$('key-editor').addEventListener('submit', saveKey);
$('cancel-edit').addEventListener('click', () => $('key-editor').classList.add('hidden'));
$('task-filters').addEventListener('submit', event => {
  event.preventDefault();
  state.offset = 0;
  loadTasks().catch(err => showError($('error'), err.message));
});
$('prev-page').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadTasks().catch(err => showError($('error'), err.message)); });
$('next-page').addEventListener('click', () => { state.offset += PAGE_SIZE; loadTasks().catch(err => showError($('error'), err.message)); });
$('close-trace').addEventListener('click', () => $('trace').classList.add('hidden'));

credential = loadCredential();
if (credential) enter();
