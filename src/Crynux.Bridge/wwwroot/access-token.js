// Access-token page: signs the API-key management requests in the browser (root key) and sends only signatures.
import { addressOf, hasValidChecksum, isAddress, randomPrivateKey, signRequest, toChecksumAddress } from './lib/crynux-crypto.js';
import { copyText, describeError, describeFetchFailure, readBody, saveApiKey, showError } from './common.js';

const $ = (id) => document.getElementById(id);
const form = $('token-form');
const bridgeInput = $('bridge');
const rootKeyInput = $('root-key');
const clientInput = $('client-address');
const errorBox = $('error');
const stepsList = $('steps');
const rootHint = $('root-address');
const rootHintDefault = rootHint.innerHTML;

bridgeInput.value = location.protocol === 'http:' || location.protocol === 'https:' ? location.origin : 'http://127.0.0.1:5028';

/** "127.0.0.1:5028", "http://host:5028/", "https://bridge.example" → an origin-like base URL without a trailing slash. */
function normalizeBridge(value) {
  let v = value.trim();
  if (!v) throw new Error('Enter the bridge address, e.g. http://127.0.0.1:5028');
  if (!/^https?:\/\//i.test(v)) v = 'http://' + v;
  let url;
  try { url = new URL(v); } catch { throw new Error(`"${value}" is not a valid bridge address`); }
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

function parseLimit(input, name) {
  const raw = input.value.trim();
  const n = Number(raw);
  if (!raw || !Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1`);
  return n;
}

function checkedAddress(value) {
  const v = value.trim();
  const withPrefix = /^0x/i.test(v) ? '0x' + v.slice(2) : '0x' + v;
  if (!isAddress(withPrefix)) throw new Error('Client address must be 0x followed by 40 hex digits');
  if (!hasValidChecksum(withPrefix)) {
    throw new Error('Client address has mixed case that does not match its EIP-55 checksum: check it for a typo, or type it all in lower case');
  }
  return toChecksumAddress(withPrefix);
}

// Show which account the root key belongs to, so a wrong key is visible before anything is sent.
rootKeyInput.addEventListener('input', () => {
  const v = rootKeyInput.value.trim();
  if (!v) { rootHint.innerHTML = rootHintDefault; return; }
  try {
    rootHint.textContent = `Signs as ${addressOf(v)} — this must be the bridge's account address.`;
  } catch (e) {
    rootHint.textContent = e.message;
  }
});

const minted = () => $('mode-minted').checked;
for (const radio of form.querySelectorAll('input[name=mode]')) {
  radio.addEventListener('change', () => {
    $('client-field').classList.toggle('hidden', minted());
    if (minted()) $('generated').classList.add('hidden');
  });
}

clientInput.addEventListener('blur', () => {
  try { if (clientInput.value.trim()) clientInput.value = checkedAddress(clientInput.value); } catch { /* reported on submit */ }
});

$('generate-client').addEventListener('click', () => {
  const key = randomPrivateKey();
  const address = addressOf(key);
  clientInput.value = address;
  $('generated-address').textContent = address;
  $('generated-key').textContent = key;
  $('generated').classList.remove('hidden');
});
$('copy-generated').addEventListener('click', async (ev) => {
  const ok = await copyText($('generated-key').textContent, $('generated-key'));
  ev.target.textContent = ok ? 'Copied' : 'Select and copy it by hand';
  setTimeout(() => { ev.target.textContent = 'Copy private key'; }, 2000);
});
$('copy-key').addEventListener('click', async (ev) => {
  const ok = await copyText($('api-key-output').textContent, $('api-key-output'));
  ev.target.textContent = ok ? 'Copied' : 'Select it';
  setTimeout(() => { ev.target.textContent = 'Copy'; }, 2000);
});

function addStep(text) {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = 'running';
  stepsList.append(li);
  return li;
}

// Signatures are deterministic (RFC 6979) and the bridge accepts each one only once, so the same request signed twice
// within one second would be refused as a replay: such a repeat gets the next second instead (well inside the ±60 s window).
const lastTimestamps = new Map();
function freshTimestamp(requestKey) {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = Math.max(now, (lastTimestamps.get(requestKey) ?? 0) + 1);
  lastTimestamps.set(requestKey, timestamp);
  return timestamp;
}

/**
 * Signs {<owner field>, ...fields} with the root key at the current time and POSTs {timestamp, signature, ...fields}
 * (the path carries the owner). The owner is {client_id} for an address, {api_key} for a bridge-minted key and nothing
 * for minting ({} is signed). Returns the response's data, or throws a readable Error.
 */
async function signedPost(base, path, rootKey, owner, fields) {
  const signed = { ...owner, ...fields };
  const timestamp = freshTimestamp(base + path + JSON.stringify(signed));
  const signature = signRequest(rootKey, signed, timestamp);
  const url = base + path;
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ timestamp, signature, ...fields }),
    });
  } catch (e) {
    throw new Error(describeFetchFailure(e, base));
  }
  const body = await readBody(response);
  if (!response.ok || (body && typeof body.message === 'string' && body.message !== 'success')) {
    let msg = describeError(response.status, body);
    if (/signature|signer/i.test(msg)) {
      msg += '\nCheck that the root private key is the bridge account\'s key and that this computer\'s clock is right (signatures are valid for 60 s).';
    }
    throw new Error(msg);
  }
  return body.data;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(errorBox, '');
  $('result').classList.add('hidden');
  stepsList.replaceChildren();

  let base, rootKey, clientId, roles, useLimit, rateLimit;
  try {
    base = normalizeBridge(bridgeInput.value);
    rootKey = rootKeyInput.value.trim();
    if (!rootKey) throw new Error('Enter the root private key');
    addressOf(rootKey); // validates the key before anything is sent
    if (!minted()) {
      clientId = checkedAddress(clientInput.value);
      clientInput.value = clientId;
    }
    roles = [...form.querySelectorAll('input[name=role]:checked')].map((c) => c.value);
    if (roles.length === 0) throw new Error('Choose at least one role');
    useLimit = parseLimit($('use-limit'), 'Use limit');
    rateLimit = parseLimit($('rate-limit'), 'Rate limit');
  } catch (e) {
    showError(errorBox, e.message);
    return;
  }

  const button = $('create');
  button.disabled = true;
  $('busy').classList.remove('hidden');
  stepsList.classList.remove('hidden');
  let created = null;
  let step = null;
  try {
    step = addStep(minted() ? 'Mint a client and its API key' : 'Create the API key');
    created = minted()
      ? await signedPost(base, '/v1/api_key', rootKey, {}, {})
      : await signedPost(base, `/v1/api_key/${clientId}`, rootKey, { client_id: clientId }, {});
    if (!created || !created.api_key) throw new Error('The bridge answered without an api_key');
    step.className = 'done';
    showKey(created, clientId ?? created.client_id ?? '(minted by the bridge)');
    // A minted key is managed by the key itself; an address key by the address.
    const owner = minted() ? { api_key: created.api_key } : { client_id: clientId };
    const path = minted() ? `/v1/api_key/${encodeURIComponent(created.api_key)}` : `/v1/api_key/${clientId}`;

    for (const role of roles) {
      step = addStep(`Add role "${role}"`);
      await signedPost(base, `${path}/role`, rootKey, owner, { role });
      step.className = 'done';
    }
    step = addStep(`Set use limit to ${useLimit}`);
    await signedPost(base, `${path}/use_limit`, rootKey, owner, { use_limit: useLimit });
    step.className = 'done';
    step = addStep(`Set rate limit to ${rateLimit} per minute`);
    await signedPost(base, `${path}/rate_limit`, rootKey, owner, { rate_limit: rateLimit });
    step.className = 'done';
  } catch (e) {
    if (step) step.className = 'failed';
    const note = !created ? '' : minted()
      ? '\nThe key above was minted, but this step failed; fix the cause and press the button again (that mints another key).'
      : '\nThe key above was created, but this step failed; fix the cause and press the button again (that re-keys the client).';
    showError(errorBox, `${step ? step.textContent + ' failed: ' : ''}${e.message}${note}`);
  } finally {
    button.disabled = false;
    $('busy').classList.add('hidden');
  }
});

function showKey(data, clientId) {
  $('api-key-output').textContent = data.api_key;
  $('result-client').textContent = clientId;
  const expires = Number(data.expires_at);
  $('expires-at').textContent = Number.isFinite(expires) && expires > 0
    ? `${new Date(expires * 1000).toLocaleString()} (${data.expires_at})`
    : String(data.expires_at ?? 'unknown');
  saveApiKey(data.api_key);
  $('result').classList.remove('hidden');
}
