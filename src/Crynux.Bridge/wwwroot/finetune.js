// Image page, Fine-tune tab: starts a LoRA fine-tune job (POST /v1/images/models), follows its status until it ends and
// downloads the trained LoRA ZIP with the API key (a fetch saved as a blob: a plain link could not send the key).
import { describeError, describeFetchFailure, readBody, saveApiKey, showError } from './common.js';

const $ = (id) => document.getElementById(id);
const form = $('finetune-form');
const formError = $('ft-error');
const jobError = $('ft-job-error');
const JOB_STORAGE = 'crynux-bridge.finetune-job';
// A job runs for minutes to hours: poll soon after the start, then back off to this.
const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;

let watcher = null; // AbortController of the job being followed
let job = null; // { id, createdAt, updatedAt, status }
let clock = null;

const apiKey = () => $('api-key').value.trim();

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(formError, '');
  const key = apiKey();
  const request = readForm(key);
  if (typeof request === 'string') return showError(formError, request);
  saveApiKey(key);

  $('ft-start').disabled = true;
  try {
    let response;
    try {
      response = await fetch('/v1/images/models', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${key}` },
        body: JSON.stringify(request),
      });
    } catch (e) {
      throw new Error(describeFetchFailure(e, location.origin));
    }
    const body = await readBody(response);
    if (!response.ok || !body.data || body.data.id == null) throw new Error(describeError(response.status, body));
    rememberJob(body.data.id);
    watch(body.data.id, body.data);
  } catch (e) {
    showError(formError, e.message);
    $('ft-start').disabled = false;
  }
});

/** The request body, or a sentence saying what to fix. Fields left at the API's default are still sent, as shown. */
function readForm(key) {
  if (!key) return 'Enter an API key (create one on the Access token page).';
  const dataset = $('ft-dataset').value.trim();
  if (!dataset) return 'Enter a dataset: a Hugging Face dataset name or an http(s) URL.';
  const steps = Number($('ft-steps').value);
  if (!Number.isInteger(steps) || steps < 1 || steps > 100_000_000) return 'Training steps must be a whole number from 1 to 100000000.';
  const learningRate = Number($('ft-learning-rate').value);
  if (!Number.isFinite(learningRate) || learningRate <= 0 || learningRate > 1) return 'Learning rate must be a number above 0 and at most 1.';
  const rank = Number($('ft-rank').value);
  if (!Number.isInteger(rank) || rank < 1 || rank > 1024) return 'LoRA rank must be a whole number from 1 to 1024.';
  const request = { model_name: $('ft-model').value };
  if (/^https?:\/\//i.test(dataset)) request.dataset_url = dataset;
  else request.dataset_name = dataset;
  Object.assign(request, { max_train_steps: steps, learning_rate: learningRate, rank, resolution: Number($('ft-resolution').value) });
  const prompt = $('ft-validation-prompt').value.trim();
  if (prompt) request.validation_prompt = prompt;
  return request;
}

function rememberJob(id) {
  try { sessionStorage.setItem(JOB_STORAGE, String(id)); } catch { /* storage disabled: only this visit follows the job */ }
}

/** Follows a job until it ends or the user stops watching; data is what the bridge last said about it, if anything. */
async function watch(id, data) {
  watcher?.abort();
  const controller = new AbortController();
  watcher = controller;
  job = { id, createdAt: NaN, updatedAt: NaN, status: 'running' };
  $('ft-job-id').textContent = `#${id}`;
  $('ft-job').classList.remove('hidden');
  ['ft-done', 'ft-download'].forEach((e) => $(e).classList.add('hidden'));
  showError(jobError, '');
  showNote('');
  setWatching(true);
  if (data) render(data);

  let delay = FIRST_POLL_MS;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch(`/v1/images/models/${encodeURIComponent(id)}/status`, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${apiKey()}` },
        signal: controller.signal,
      });
      const body = await readBody(response);
      if (response.ok && body.data) {
        showNote('');
        render(body.data);
        if (body.data.status !== 'running') return finish(body.data);
      } else if (response.status === 429 || response.status >= 500) {
        showNote(`${describeError(response.status, body)}. Asking again shortly.`);
      } else {
        throw new Error(describeError(response.status, body));
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      if (!(e instanceof TypeError)) return stopWatching(e.message);
      showNote(`${describeFetchFailure(e, location.origin)} Asking again shortly.`);
    }
    await pause(delay, controller.signal);
    delay = Math.min(Math.round(delay * 1.5), MAX_POLL_MS);
  }
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

function render(data) {
  job.status = data.status;
  job.createdAt = Date.parse(data.created_at);
  job.updatedAt = Date.parse(data.updated_at);
  $('ft-status').textContent = data.status;
  if (data.rounds_done != null) $('ft-rounds').textContent = String(data.rounds_done);
  if (data.failed_rounds != null) $('ft-failed-rounds').textContent = String(data.failed_rounds);
  tick();
}

function tick() {
  if (!job || Number.isNaN(job.createdAt)) return;
  const end = job.status === 'running' ? Date.now() : job.updatedAt;
  const s = Math.max(0, Math.floor((end - job.createdAt) / 1000));
  const h = Math.floor(s / 3600);
  const ms = `${String(Math.floor(s / 60) % 60).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
  $('ft-elapsed').textContent = h ? `${h}:${ms}` : ms;
}

function finish(data) {
  setWatching(false);
  watcher = null;
  $('ft-watch').classList.add('hidden');
  if (data.status === 'success') {
    $('ft-done').classList.remove('hidden');
    $('ft-download').classList.remove('hidden');
  } else {
    showError(jobError, `The job ${data.status}${data.error ? `: ${data.error}` : '.'}`);
  }
}

/** Stops polling; the job itself keeps running on the bridge. */
function stopWatching(message) {
  watcher?.abort();
  watcher = null;
  setWatching(false);
  $('ft-watch').textContent = 'Watch again';
  $('ft-watch').classList.remove('hidden');
  if (message) showError(jobError, message);
  else showNote('Not watching: the job keeps running on the bridge.');
}

function setWatching(on) {
  clearInterval(clock);
  clock = on ? setInterval(tick, 1000) : null;
  $('ft-progress').classList.toggle('hidden', !on);
  $('ft-start').disabled = on;
  if (on) {
    $('ft-watch').textContent = 'Stop watching';
    $('ft-watch').classList.remove('hidden');
  }
}

function showNote(message) {
  $('ft-note').textContent = message;
  $('ft-note').classList.toggle('hidden', !message);
}

$('ft-watch').addEventListener('click', () => {
  if (watcher) stopWatching('');
  else if (job) watch(job.id, null);
});

$('ft-download').addEventListener('click', async () => {
  const button = $('ft-download');
  showError(jobError, '');
  button.disabled = true;
  button.textContent = 'Downloading…';
  try {
    let response;
    try {
      response = await fetch(`/v1/images/models/${encodeURIComponent(job.id)}/result`, { headers: { Authorization: `Bearer ${apiKey()}` } });
    } catch (e) {
      throw new Error(describeFetchFailure(e, location.origin));
    }
    if (!response.ok) throw new Error(describeError(response.status, await readBody(response)));
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `crynux-lora-${job.id}.zip`;
    document.body.append(link);
    link.click();
    link.remove();
    // The download has started from the blob by the next task; free it well after that.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    showError(jobError, e.message);
  } finally {
    button.disabled = false;
    button.textContent = 'Download LoRA';
  }
});

// A reload (or coming back to this tab) follows the last job started here again.
const saved = (() => { try { return sessionStorage.getItem(JOB_STORAGE); } catch { return null; } })();
if (saved && /^[1-9][0-9]*$/.test(saved) && apiKey()) watch(Number(saved), null);
