// Helpers shared by the bridge's pages (plain ES module, no dependencies).

const API_KEY_STORAGE = 'crynux-bridge.api-key';

/** The API key kept for this browser tab (sessionStorage: never in a URL, gone when the tab closes). */
export function loadApiKey() {
  try { return sessionStorage.getItem(API_KEY_STORAGE) ?? ''; } catch { return ''; }
}

export function saveApiKey(key) {
  try {
    if (key) sessionStorage.setItem(API_KEY_STORAGE, key);
    else sessionStorage.removeItem(API_KEY_STORAGE);
  } catch { /* storage disabled: the field still works for this page */ }
}

/** Fills an API key input from sessionStorage and keeps sessionStorage in step with what the user types. */
export function bindApiKeyInput(input) {
  if (!input.value) input.value = loadApiKey();
  input.addEventListener('change', () => saveApiKey(input.value.trim()));
}

/** Reads a response body as JSON when it is JSON; otherwise returns { text }. Never throws. */
export async function readBody(response) {
  const text = await response.text().catch(() => '');
  if (!text) return {};
  try { return JSON.parse(text); } catch { return { text }; }
}

/**
 * A readable message for any of the bridge's error shapes:
 * OpenAI-style {"error":{"message","type","param","code"}}, the product envelope
 * {"message":"validation_error","data":{"field_name","message"}} or {"message":"…"}, or a non-JSON body.
 */
export function describeError(status, body) {
  const prefix = status ? `HTTP ${status}: ` : '';
  if (body && typeof body === 'object') {
    const e = body.error;
    if (e && typeof e === 'object') {
      const extra = [e.param && `param ${e.param}`, e.code && `code ${e.code}`].filter(Boolean).join(', ');
      return prefix + (e.message || e.type || 'error') + (extra ? ` (${extra})` : '');
    }
    if (typeof e === 'string') return prefix + e;
    if (body.message === 'validation_error' && body.data) {
      const d = body.data;
      return prefix + `invalid ${d.field_name || 'input'}: ${d.message || 'validation error'}`;
    }
    // The native envelope of any other error ("unauthorized", "not_found", "conflict", …) says what happened in data.message.
    if (body.data && typeof body.data.message === 'string' && body.data.message) return prefix + body.data.message;
    if (typeof body.message === 'string' && body.message) return prefix + body.message;
    if (typeof body.text === 'string' && body.text) return prefix + body.text.slice(0, 500);
  }
  return prefix + (status ? statusText(status) : 'the request failed');
}

function statusText(status) {
  return { 400: 'bad request', 401: 'unauthorized (check the API key)', 403: 'forbidden (the key lacks the role)',
    404: 'not found', 429: 'rate limited, try again shortly', 500: 'server error', 502: 'bad gateway',
    503: 'service unavailable', 504: 'gateway timeout' }[status] || 'error';
}

/** A fetch failure (network down, CORS, refused connection) as a sentence. */
export function describeFetchFailure(err, url) {
  if (err && err.name === 'AbortError') return 'Stopped.';
  return `Could not reach ${url}: ${err && err.message ? err.message : err}. Is the bridge running and the address right?`;
}

/** "1:05" style elapsed time since start (ms from performance.now()). */
export function formatElapsed(startMs) {
  const s = Math.floor((performance.now() - startMs) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Copies text to the clipboard, falling back to a selection for non-secure origins (plain http on a LAN address). */
export async function copyText(text, fallbackElement) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (fallbackElement) {
      const range = document.createRange();
      range.selectNodeContents(fallbackElement);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { return document.execCommand('copy'); } catch { return false; }
    }
    return false;
  }
}

/** Shows message in an error element (empty message hides it). */
export function showError(element, message) {
  element.textContent = message || '';
  element.classList.toggle('hidden', !message);
}
