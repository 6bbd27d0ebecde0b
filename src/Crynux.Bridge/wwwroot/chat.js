// Chat page: multi-turn chat over POST /v1/llm/chat/completions with stream=true, read as SSE with fetch + ReadableStream.
import { bindApiKeyInput, describeError, describeFetchFailure, readBody, saveApiKey, showError } from './common.js';

const $ = (id) => document.getElementById(id);
const messagesBox = $('messages');
const input = $('input');
const errorBox = $('error');
const waiting = $('waiting');
bindApiKeyInput($('api-key'));

/** The conversation sent with every turn: only turns that completed (a failed turn is shown but not resent). */
let history = [];
let controller = null;

function addMessage(role, text) {
  $('empty')?.remove();
  const el = document.createElement('div');
  el.className = `message ${role}`;
  el.textContent = text;
  messagesBox.append(el);
  messagesBox.scrollTop = messagesBox.scrollHeight;
  return el;
}

/** Timing and token usage under a message; kept in an attribute (shown by CSS) so the element's text is the reply alone. */
function setMeta(el, text) {
  el.dataset.meta = text;
}

function setBusy(busy) {
  $('send').disabled = busy;
  $('stop').classList.toggle('hidden', !busy);
  $('clear').disabled = busy;
  if (!busy) waiting.classList.add('hidden');
}

function showWaiting(text) {
  $('waiting-text').textContent = text;
  waiting.classList.remove('hidden');
}

/**
 * Reads an SSE body and calls onEvent(data) for each event's data (multi-line data joined with "\n"),
 * and onComment() for each ":" comment line (the bridge's keep-alives).
 */
async function readSse(body, onEvent, onComment) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data = [];
  const dispatch = () => {
    if (data.length) { const d = data.join('\n'); data = []; return onEvent(d); }
    return false;
  };
  const handleLine = (line) => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) { onComment(line.slice(1).trim()); return false; }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    return false;
  };
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done });
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (handleLine(line)) { await finish(reader); return; }
    }
    if (done) {
      if (buffer) handleLine(buffer);
      dispatch();
      return;
    }
  }
}

/**
 * After [DONE] the bridge ends the response: read it to its end so that the request completes normally (cancelling it
 * would show up as an aborted request), but give up and cancel after 2 s should a server keep the stream open.
 */
async function finish(reader) {
  const drained = (async () => {
    try { while (!(await reader.read()).done) { /* nothing is expected after [DONE] */ } } catch { /* closed */ }
    return true;
  })();
  const timeout = new Promise((resolve) => { setTimeout(() => resolve(false), 2000); });
  if (!(await Promise.race([drained, timeout]))) await reader.cancel().catch(() => {});
}

async function send() {
  const text = input.value.trim();
  const apiKey = $('api-key').value.trim();
  const model = $('model').value.trim();
  showError(errorBox, '');
  if (!text) return;
  if (!apiKey) return showError(errorBox, 'Enter an API key (create one on the Access token page).');
  if (!model) return showError(errorBox, 'Enter a model name.');
  saveApiKey(apiKey);

  const userTurn = { role: 'user', content: text };
  const messages = [...history, userTurn];
  const userEl = addMessage('user', text);
  input.value = '';
  const assistantEl = addMessage('assistant', '');
  assistantEl.classList.add('pending');
  let reply = '';
  let failed = null;
  let usage = null;
  const started = performance.now();
  setBusy(true);
  showWaiting('waiting for the network…');
  controller = new AbortController();

  try {
    let response;
    try {
      response = await fetch('/v1/llm/chat/completions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model, messages, stream: true, stream_options: { include_usage: true } }),
        signal: controller.signal,
      });
    } catch (e) {
      throw new Error(describeFetchFailure(e, location.origin));
    }
    if (!response.ok) throw new Error(describeError(response.status, await readBody(response)));

    const type = response.headers.get('content-type') || '';
    if (!type.includes('text/event-stream')) {
      // A server that ignored stream=true: take the whole completion.
      const body = await readBody(response);
      if (body.error) throw new Error(describeError(0, body));
      reply = body.choices?.[0]?.message?.content ?? '';
      usage = body.usage ?? null;
      assistantEl.textContent = reply;
    } else {
      let finished = false;
      await readSse(response.body, (data) => {
        if (data === '[DONE]') { finished = true; return true; }
        let chunk;
        try { chunk = JSON.parse(data); } catch { return false; }
        if (chunk.error) { failed = describeError(0, chunk); return false; }
        if (chunk.usage) usage = chunk.usage;
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          waiting.classList.add('hidden');
          reply += delta;
          assistantEl.textContent = reply;
          messagesBox.scrollTop = messagesBox.scrollHeight;
        }
        return false;
      }, () => {
        if (!reply) showWaiting(`waiting for the network… (${Math.round((performance.now() - started) / 1000)} s)`);
      });
      if (!finished && !failed) failed = 'The stream ended before [DONE]: the reply may be incomplete.';
    }
    if (failed) throw new Error(failed);
  } catch (e) {
    failed = e.message;
  } finally {
    controller = null;
    setBusy(false);
  }

  assistantEl.classList.remove('pending');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failed) {
    showError(errorBox, failed);
    userEl.classList.add('failed');
    assistantEl.classList.add('failed');
    if (!reply) assistantEl.remove();
    if (!input.value) input.value = text; // so the user can resend it
    return;
  }
  history = [...messages, { role: 'assistant', content: reply }];
  setMeta(assistantEl, usage
    ? `${seconds} s · ${usage.prompt_tokens ?? '?'} prompt + ${usage.completion_tokens ?? '?'} completion tokens`
    : `${seconds} s`);
}

$('composer').addEventListener('submit', (ev) => { ev.preventDefault(); send(); });
input.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); if (!$('send').disabled) send(); }
});
$('stop').addEventListener('click', () => controller?.abort());
$('clear').addEventListener('click', () => {
  history = [];
  messagesBox.replaceChildren();
  showError(errorBox, '');
  const p = document.createElement('p');
  p.className = 'empty'; p.id = 'empty'; p.textContent = 'New conversation.';
  messagesBox.append(p);
  input.focus();
});
