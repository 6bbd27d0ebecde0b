// Image page: the Generate / Fine-tune tabs (fine-tuning is finetune.js), and one OpenAI-style image generation
// request whose results are shown as data: URLs.
import { bindApiKeyInput, describeError, describeFetchFailure, formatElapsed, readBody, saveApiKey, showError } from './common.js';

const $ = (id) => document.getElementById(id);
const form = $('image-form');
const errorBox = $('error');
const grid = $('images');
bindApiKeyInput($('api-key'));

// Tabs: the fine-tune tab is also reachable as image.html#fine-tune (a link or a reload keeps it open).
const tabs = [{ tab: $('tab-generate'), panel: $('panel-generate'), hash: '' }, { tab: $('tab-finetune'), panel: $('panel-finetune'), hash: '#fine-tune' }];
function selectTab(index, focus) {
  tabs.forEach((t, i) => {
    const selected = i === index;
    t.tab.setAttribute('aria-selected', String(selected));
    t.tab.tabIndex = selected ? 0 : -1;
    t.panel.classList.toggle('hidden', !selected);
  });
  if (focus) tabs[index].tab.focus();
  if (location.hash !== tabs[index].hash) history.replaceState(null, '', tabs[index].hash || location.pathname + location.search);
}
tabs.forEach((t, i) => {
  t.tab.addEventListener('click', () => selectTab(i, false));
  t.tab.addEventListener('keydown', (ev) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
    if (step) { ev.preventDefault(); selectTab((i + step + tabs.length) % tabs.length, true); }
  });
});
selectTab(Math.max(0, tabs.findIndex((t) => t.hash && t.hash === location.hash)), false);

let controller = null;

$('stop').addEventListener('click', () => controller?.abort());

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(errorBox, '');
  const apiKey = $('api-key').value.trim();
  const prompt = $('prompt').value.trim();
  const n = Number($('n').value);
  if (!apiKey) return showError(errorBox, 'Enter an API key (create one on the Access token page).');
  if (!prompt) return showError(errorBox, 'Enter a prompt.');
  if (!Number.isInteger(n) || n < 1 || n > 4) return showError(errorBox, 'Images must be a whole number from 1 to 4.');
  saveApiKey(apiKey);

  const request = { model: $('model').value, prompt, n, size: $('size').value, response_format: 'b64_json' };
  const started = performance.now();
  const timer = setInterval(() => { $('elapsed').textContent = formatElapsed(started); }, 500);
  $('elapsed').textContent = '0:00';
  $('status-text').textContent = `Generating ${n} image${n > 1 ? 's' : ''} on the Crynux Network…`;
  $('status').classList.remove('hidden');
  $('generate').disabled = true;
  $('stop').classList.remove('hidden');
  controller = new AbortController();
  try {
    let response;
    try {
      response = await fetch('/v1/sd/images/generations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(request),
        signal: controller.signal,
      });
    } catch (e) {
      throw new Error(describeFetchFailure(e, location.origin));
    }
    const body = await readBody(response);
    if (!response.ok || body.error) throw new Error(describeError(response.status, body));
    const items = Array.isArray(body.data) ? body.data : [];
    if (items.length === 0) throw new Error('The bridge answered with no images.');
    showImages(items, request, formatElapsed(started));
  } catch (e) {
    showError(errorBox, e.message);
  } finally {
    clearInterval(timer);
    controller = null;
    $('status').classList.add('hidden');
    $('stop').classList.add('hidden');
    $('generate').disabled = false;
  }
});

function showImages(items, request, elapsed) {
  grid.replaceChildren();
  items.forEach((item, i) => {
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.alt = item.revised_prompt || request.prompt;
    img.src = item.b64_json ? `data:image/png;base64,${item.b64_json}` : item.url;
    const caption = document.createElement('figcaption');
    const text = document.createElement('span');
    text.textContent = `${request.model} · ${request.size} · ${elapsed}`;
    text.title = item.revised_prompt || request.prompt;
    const link = document.createElement('a');
    link.href = img.src;
    link.download = `crynux-${Date.now()}-${i + 1}.png`;
    link.textContent = 'Download';
    caption.append(text, link);
    figure.append(img, caption);
    grid.append(figure);
  });
}
