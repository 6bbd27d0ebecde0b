// A self-contained OpenAPI 3.0/3.1 renderer for /openapi.json: operations grouped by tag, schemas with $ref resolved,
// and a "try it" box per operation. No library; every text from the document goes in through textContent.
import { bindApiKeyInput, describeFetchFailure, showError } from './common.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const MAX_DEPTH = 8;
const $ = (id) => document.getElementById(id);

/** h('div', {class: 'x'}, 'text', child…): a DOM element; string children become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') el.style.cssText = v; // CSSOM: the pages' CSP refuses style attributes
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

let doc = null;
let basePath = '';

// ---------- $ref and schema helpers ----------

/** Follows a local $ref ("#/components/schemas/X", any JSON pointer into the document). */
function deref(obj) {
  let seen = 0;
  while (obj && typeof obj === 'object' && typeof obj.$ref === 'string' && seen++ < 20) {
    if (!obj.$ref.startsWith('#/')) return { description: `external reference ${obj.$ref}` };
    const target = obj.$ref.slice(2).split('/').reduce(
      (o, part) => (o == null ? undefined : o[part.replace(/~1/g, '/').replace(/~0/g, '~')]), doc);
    if (target === undefined) return { description: `unresolved reference ${obj.$ref}` };
    // OpenAPI 3.1 allows siblings next to $ref (description, …): they override the target's.
    const { $ref, ...siblings } = obj;
    obj = Object.keys(siblings).length ? { ...target, ...siblings } : target;
  }
  return obj;
}

function refName(schema) {
  return schema && typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : null;
}

/** allOf members merged into one object schema (properties and required combined). */
function mergeAllOf(schema) {
  if (!Array.isArray(schema.allOf)) return schema;
  const out = { ...schema, properties: { ...(schema.properties || {}) }, required: [...(schema.required || [])] };
  delete out.allOf;
  for (const part of schema.allOf) {
    const p = mergeAllOf(deref(part) || {});
    Object.assign(out.properties, p.properties || {});
    out.required.push(...(p.required || []));
    for (const k of ['type', 'description', 'additionalProperties', 'items', 'enum', 'format']) if (out[k] === undefined && p[k] !== undefined) out[k] = p[k];
  }
  return out;
}

function types(schema) {
  const t = schema.type;
  const list = Array.isArray(t) ? [...t] : t ? [t] : [];
  if (schema.nullable && !list.includes('null')) list.push('null');
  return list;
}

function typeLabel(raw) {
  const name = refName(raw);
  const schema = mergeAllOf(deref(raw) || {});
  let main = types(schema).filter((t) => t !== 'null');
  let label;
  if (main.includes('array') || (!main.length && schema.items)) {
    const item = schema.items ? typeLabel(schema.items) : 'any';
    label = `array<${item}>`;
  } else if (schema.oneOf || schema.anyOf) {
    label = (schema.oneOf || schema.anyOf).map(typeLabel).join(' | ');
  } else if (name) {
    label = name;
  } else if (!main.length && schema.properties) {
    label = 'object';
  } else if (schema.const !== undefined) {
    label = JSON.stringify(schema.const);
  } else {
    label = main.join(' | ') || 'any';
    if (schema.format) label += ` (${schema.format})`;
  }
  if (name && !label.includes(name)) label = `${name}: ${label}`;
  if (types(schema).includes('null')) label += ' | null';
  return label;
}

function constraintText(schema) {
  const c = [];
  const add = (k, v) => c.push(`${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (Array.isArray(schema.enum)) c.push(`one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (schema.default !== undefined) add('default', schema.default);
  if (schema.minimum !== undefined) add(schema.exclusiveMinimum === true ? '>' : '≥', schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number') add('>', schema.exclusiveMinimum);
  if (schema.maximum !== undefined) add(schema.exclusiveMaximum === true ? '<' : '≤', schema.maximum);
  if (typeof schema.exclusiveMaximum === 'number') add('<', schema.exclusiveMaximum);
  if (schema.minLength !== undefined) add('min length', schema.minLength);
  if (schema.maxLength !== undefined) add('max length', schema.maxLength);
  if (schema.minItems !== undefined) add('min items', schema.minItems);
  if (schema.maxItems !== undefined) add('max items', schema.maxItems);
  if (schema.pattern) add('pattern', schema.pattern);
  if (schema.deprecated) c.push('deprecated');
  if (schema.readOnly) c.push('read-only');
  return c;
}

function constraintBadges(schema) {
  return constraintText(schema).map((t) => h('span', { class: 'constraint' }, t));
}

/** The nested part of a schema worth showing under a property: object properties, array items, variants, maps. */
function schemaBody(raw, depth, seen) {
  const name = refName(raw);
  if (name && seen.has(name)) return h('div', { class: 'desc' }, `(${name}, see above)`);
  const nextSeen = name ? new Set([...seen, name]) : seen;
  const schema = mergeAllOf(deref(raw) || {});
  if (depth > MAX_DEPTH) return null;

  const variants = schema.oneOf || schema.anyOf;
  if (variants) {
    return h('div', { class: 'schema' },
      h('div', { class: 'desc' }, schema.oneOf ? 'One of:' : 'Any of:'),
      variants.map((v, i) => h('div', { class: 'prop' },
        h('span', { class: 'type' }, `${i + 1}. ${typeLabel(v)}`),
        deref(v)?.description ? h('div', { class: 'desc' }, deref(v).description) : null,
        schemaBody(v, depth + 1, nextSeen))));
  }
  if (schema.properties && Object.keys(schema.properties).length) {
    const required = new Set(schema.required || []);
    return h('div', { class: 'schema' }, Object.entries(schema.properties).map(([prop, sub]) => {
      const s = mergeAllOf(deref(sub) || {});
      return h('div', { class: 'prop' },
        h('span', { class: 'name' }, prop), ' ', h('span', { class: 'type' }, typeLabel(sub)),
        required.has(prop) ? h('span', { class: 'req' }, 'required') : null,
        constraintBadges(s),
        s.description ? h('div', { class: 'desc' }, s.description) : null,
        schemaBody(sub, depth + 1, nextSeen));
    }), additional(schema, depth, nextSeen));
  }
  if (types(schema).includes('array') || schema.items) {
    const items = schema.items;
    if (!items) return null;
    const inner = schemaBody(items, depth + 1, nextSeen);
    const itemSchema = deref(items) || {};
    const badges = constraintBadges(itemSchema);
    if (!inner && !badges.length) return null;
    return h('div', { class: 'schema' }, h('div', { class: 'desc' }, 'Items: ', h('span', { class: 'type' }, typeLabel(items)), badges), inner);
  }
  return additional(schema, depth, nextSeen);
}

function additional(schema, depth, seen) {
  const ap = schema.additionalProperties;
  if (!ap || ap === true || typeof ap !== 'object') return null;
  return h('div', { class: 'prop' }, h('span', { class: 'name' }, '{key}'), ' ', h('span', { class: 'type' }, typeLabel(ap)),
    schemaBody(ap, depth + 1, seen));
}

/** A whole schema: its type line, description and constraints, then the body. */
function renderSchema(raw) {
  const schema = mergeAllOf(deref(raw) || {});
  return h('div', {},
    h('div', {}, h('span', { class: 'type' }, typeLabel(raw)), constraintBadges(schema)),
    schema.description ? h('div', { class: 'desc' }, schema.description) : null,
    schemaBody(raw, 0, new Set()));
}

// ---------- examples ----------

function exampleFor(raw, depth = 0, seen = new Set()) {
  const name = refName(raw);
  if (name && seen.has(name)) return undefined;
  const nextSeen = name ? new Set([...seen, name]) : seen;
  const schema = mergeAllOf(deref(raw) || {});
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (depth > MAX_DEPTH) return undefined;
  const variants = schema.oneOf || schema.anyOf;
  if (variants && variants.length) return exampleFor(variants[0], depth + 1, nextSeen);
  const t = types(schema).filter((x) => x !== 'null');
  if (t.includes('object') || schema.properties) {
    const props = schema.properties || {};
    const required = new Set(schema.required || []);
    // Required fields and fields the document gives a value for; all fields when that leaves nothing.
    let keys = Object.keys(props).filter((k) => {
      const p = deref(props[k]) || {};
      return required.has(k) || p.example !== undefined || p.default !== undefined || (Array.isArray(p.examples) && p.examples.length);
    });
    if (!keys.length) keys = Object.keys(props);
    const out = {};
    for (const k of keys) {
      const v = exampleFor(props[k], depth + 1, nextSeen);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (t.includes('array') || schema.items) {
    const item = schema.items ? exampleFor(schema.items, depth + 1, nextSeen) : undefined;
    return item === undefined ? [] : [item];
  }
  if (t.includes('integer') || t.includes('number')) {
    if (typeof schema.minimum === 'number') return schema.minimum;
    if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1;
    return t.includes('integer') ? 0 : 0.5;
  }
  if (t.includes('boolean')) return false;
  if (t.includes('string')) {
    return { 'date-time': new Date().toISOString(), date: new Date().toISOString().slice(0, 10), uri: 'https://example.com',
      email: 'user@example.com', uuid: '00000000-0000-0000-0000-000000000000', binary: '' }[schema.format] ?? 'string';
  }
  return undefined;
}

function mediaExample(media) {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  if (media.examples && typeof media.examples === 'object') {
    const first = Object.values(media.examples)[0];
    const ex = deref(first);
    if (ex && ex.value !== undefined) return ex.value;
  }
  return media.schema ? exampleFor(media.schema) : undefined;
}

// ---------- operations ----------

function operationsOf() {
  const ops = [];
  for (const [path, rawItem] of Object.entries(doc.paths || {})) {
    const item = deref(rawItem) || {};
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = new Map();
      for (const p of [...(item.parameters || []), ...(op.parameters || [])]) {
        const r = deref(p);
        if (r && r.name) params.set(`${r.in}:${r.name}`, r);
      }
      ops.push({ path, method, op, params: [...params.values()], id: opId(method, path, op) });
    }
  }
  return ops;
}

function opId(method, path, op) {
  return 'op-' + (op.operationId || `${method}-${path}`).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

function groupByTag(ops) {
  const order = (doc.tags || []).map((t) => t.name);
  const groups = new Map(order.map((n) => [n, []]));
  for (const o of ops) {
    const tag = (o.op.tags && o.op.tags[0]) || 'default';
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(o);
  }
  return [...groups].filter(([, list]) => list.length);
}

function methodBadge(method) {
  return h('span', { class: `method ${method}` }, method);
}

function renderParameters(params) {
  if (!params.length) return null;
  return h('div', {}, h('h3', {}, 'Parameters'),
    h('table', { class: 'params' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'In'), h('th', {}, 'Type'), h('th', {}, 'Description'))),
      h('tbody', {}, params.map((p) => {
        const schema = p.schema || (p.content && Object.values(p.content)[0]?.schema) || {};
        return h('tr', {},
          h('td', {}, h('span', { class: 'name mono' }, p.name), p.required ? h('span', { class: 'req' }, 'required') : null),
          h('td', {}, p.in),
          h('td', {}, h('span', { class: 'type' }, typeLabel(schema)), constraintBadges(deref(schema) || {})),
          h('td', { class: 'desc' }, p.description || deref(schema)?.description || '', p.deprecated ? ' (deprecated)' : ''));
      }))));
}

function renderRequestBody(op) {
  const body = deref(op.requestBody);
  if (!body) return null;
  return h('div', {}, h('h3', {}, 'Request body', body.required ? h('span', { class: 'req' }, 'required') : null),
    body.description ? h('div', { class: 'desc' }, body.description) : null,
    Object.entries(body.content || {}).map(([type, media]) =>
      h('div', {}, h('div', { class: 'desc mono' }, type), media.schema ? renderSchema(media.schema) : null)));
}

function renderResponses(op) {
  const entries = Object.entries(op.responses || {});
  if (!entries.length) return null;
  return h('div', {}, h('h3', {}, 'Responses'), entries.map(([code, raw]) => {
    const r = deref(raw) || {};
    return h('div', { class: 'prop' },
      h('span', { class: `response-code c${String(code)[0]}` }, code), ' ', h('span', { class: 'desc' }, r.description || ''),
      Object.entries(r.content || {}).map(([type, media]) =>
        h('div', { class: 'schema' }, h('div', { class: 'desc mono' }, type), media.schema ? renderSchema(media.schema) : null)));
  }));
}

function renderTry(o) {
  const inputs = [];
  const paramFields = o.params.filter((p) => ['path', 'query', 'header'].includes(p.in) && p.name.toLowerCase() !== 'authorization')
    .map((p) => {
      // Only a value the document gives (no invented "string" in a path); the placeholder says what is needed.
      const schema = deref(p.schema) || {};
      const ex = p.example ?? Object.values(p.examples || {}).map(deref)[0]?.value ?? schema.example ?? schema.default ?? schema.enum?.[0];
      const input = h('input', { type: 'text', class: 'mono', placeholder: `${typeLabel(p.schema || {})}${p.required ? ', required' : ''}` });
      if (ex !== undefined && ex !== null && (p.in === 'path' || p.required)) input.value = typeof ex === 'string' ? ex : JSON.stringify(ex);
      inputs.push({ p, input });
      return h('label', { class: 'field' }, h('span', {}, `${p.name} `, h('small', { class: 'hint', style: 'display:inline' }, `(${p.in})`)), input);
    });
  const body = deref(o.op.requestBody);
  const content = body?.content || {};
  const jsonType = Object.keys(content).find((t) => /json/i.test(t));
  const otherType = !jsonType && Object.keys(content)[0];
  let textarea = null;
  if (jsonType) {
    const ex = mediaExample(content[jsonType]);
    textarea = h('textarea', { class: 'mono', spellcheck: 'false', 'aria-label': 'Request body' });
    textarea.value = ex === undefined ? '' : JSON.stringify(ex, null, 2);
  }
  const status = h('div', { class: 'desc try-status', 'aria-live': 'polite' });
  const output = h('pre', { class: 'try-output hidden' });
  const media = h('div', {});
  let controller = null;
  const send = h('button', { type: 'button' }, 'Send');
  const stop = h('button', { type: 'button', class: 'secondary hidden', onclick: () => controller?.abort() }, 'Stop');

  send.addEventListener('click', async () => {
    let path = o.path;
    const query = new URLSearchParams();
    const headers = { Accept: 'application/json, text/event-stream, */*' };
    for (const { p, input } of inputs) {
      const v = input.value.trim();
      if (!v) {
        if (p.in === 'path' || p.required) { status.textContent = `Fill in ${p.name}.`; return; }
        continue;
      }
      if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(v));
      else if (p.in === 'query') query.append(p.name, v);
      else headers[p.name] = v;
    }
    const token = $('auth-token').value.trim();
    if (token) headers.Authorization = /^(bearer|basic)\s/i.test(token) ? token : `Bearer ${token}`;
    let payload;
    if (textarea && textarea.value.trim()) {
      try { payload = JSON.stringify(JSON.parse(textarea.value)); } catch (e) { status.textContent = `The body is not valid JSON: ${e.message}`; return; }
      headers['Content-Type'] = jsonType;
    }
    const qs = query.toString();
    const url = basePath + path + (qs ? `?${qs}` : '');
    status.textContent = `${o.method.toUpperCase()} ${url} …`;
    output.textContent = '';
    output.classList.add('hidden');
    media.replaceChildren();
    send.disabled = true;
    stop.classList.remove('hidden');
    controller = new AbortController();
    const started = performance.now();
    try {
      const res = await fetch(url, { method: o.method.toUpperCase(), headers, body: payload, signal: controller.signal });
      const type = res.headers.get('content-type') || '';
      const head = () => `${res.status} ${res.statusText} · ${type || 'no content type'} · ${Math.round(performance.now() - started)} ms`;
      status.textContent = head();
      output.classList.remove('hidden');
      if (type.startsWith('image/')) {
        output.classList.add('hidden');
        const blob = await res.blob();
        media.append(h('img', { src: URL.createObjectURL(blob), alt: 'response image', style: 'max-width:100%;margin-top:.5rem' }));
      } else if (type.includes('text/event-stream') && res.body) {
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          output.textContent += decoder.decode(value, { stream: true });
          output.scrollTop = output.scrollHeight;
          status.textContent = head() + ' · streaming';
        }
        status.textContent = head();
      } else {
        const text = await res.text();
        try { output.textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { output.textContent = text || '(empty body)'; }
        status.textContent = head();
      }
    } catch (e) {
      status.textContent = describeFetchFailure(e, location.origin);
    } finally {
      send.disabled = false;
      stop.classList.add('hidden');
      controller = null;
    }
  });

  return h('div', { class: 'try' }, h('strong', {}, 'Try it'),
    paramFields.length ? h('div', { class: 'row', style: 'margin-top:.5rem' }, paramFields) : null,
    textarea ? h('label', { class: 'field', style: 'margin-top:.5rem' }, h('span', {}, `Body (${jsonType})`), textarea) : null,
    otherType ? h('div', { class: 'desc' }, `This operation takes ${otherType}; send it with curl or an SDK.`) : null,
    h('div', { class: 'actions', style: 'margin-top:.5rem' }, send, stop), status, output, media);
}

function renderOperation(o) {
  const details = h('details', { class: `op${o.op.deprecated ? ' deprecated' : ''}`, id: o.id },
    h('summary', {}, methodBadge(o.method), h('span', { class: 'path' }, o.path),
      (o.op.security ?? doc.security)?.length ? h('span', { class: 'constraint', title: 'needs an Authorization: Bearer API key' }, 'auth') : null,
      h('span', { class: 'summary' }, o.op.summary || '')));
  details.dataset.search = `${o.method} ${o.path} ${o.op.summary || ''} ${o.op.operationId || ''} ${(o.op.tags || []).join(' ')}`.toLowerCase();
  // The body is built on first open: ~40 operations with schemas and try-it boxes stay quick to load.
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('.op-body')) return;
    details.append(h('div', { class: 'op-body' },
      o.op.description ? h('p', { class: 'desc', style: 'white-space:pre-line' }, o.op.description) : null,
      o.op.operationId ? h('div', { class: 'desc' }, 'operationId ', h('code', {}, o.op.operationId)) : null,
      renderParameters(o.params), renderRequestBody(o.op), renderResponses(o.op), renderTry(o)));
  });
  return details;
}

function render() {
  const info = doc.info || {};
  $('title').textContent = info.title || 'API reference';
  document.title = `${info.title || 'API'} · API docs`;
  $('subtitle').replaceChildren(`Version ${info.version || '?'} · OpenAPI ${doc.openapi || '?'} · `, h('a', { href: '/openapi.json' }, 'openapi.json'));
  $('description').textContent = info.description || '';
  $('description').style.whiteSpace = 'pre-line';

  const server = doc.servers && doc.servers[0] && doc.servers[0].url;
  if (server) {
    // Requests go to this page's origin; only a server's path prefix is kept.
    try { basePath = new URL(server, location.origin).pathname.replace(/\/+$/, ''); } catch { basePath = ''; }
  }

  const ops = operationsOf();
  const tagInfo = new Map((doc.tags || []).map((t) => [t.name, t]));
  const toc = $('toc');
  const main = $('operations');
  toc.replaceChildren();
  main.replaceChildren();
  for (const [tag, list] of groupByTag(ops)) {
    toc.append(h('h4', {}, tag), ...list.map((o) => h('a', { href: `#${o.id}`, 'data-op': o.id, onclick: () => { document.getElementById(o.id).open = true; } }, methodBadge(o.method), h('span', { class: 'path' }, o.path))));
    main.append(h('section', { class: 'tag-section', 'data-tag': tag }, h('h2', {}, tag),
      tagInfo.get(tag)?.description ? h('p', {}, tagInfo.get(tag).description) : null,
      list.map(renderOperation)));
  }
  if (!ops.length) main.append(h('div', { class: 'card' }, 'The document lists no operations.'));
  openFromHash();
}

function openFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  const el = id && document.getElementById(id);
  if (el && el.tagName === 'DETAILS') { el.open = true; el.scrollIntoView({ block: 'start' }); }
}

function applyFilter() {
  const q = $('filter').value.trim().toLowerCase();
  for (const d of document.querySelectorAll('details.op')) d.classList.toggle('hidden', !!q && !d.dataset.search.includes(q));
  for (const s of document.querySelectorAll('.tag-section')) s.classList.toggle('hidden', !s.querySelector('details.op:not(.hidden)'));
  for (const a of document.querySelectorAll('#toc a')) a.classList.toggle('hidden', document.getElementById(a.dataset.op).classList.contains('hidden'));
}

bindApiKeyInput($('auth-token'));
$('filter').addEventListener('input', applyFilter);
window.addEventListener('hashchange', openFromHash);

(async () => {
  try {
    const res = await fetch('/openapi.json', { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET /openapi.json answered HTTP ${res.status}`);
    doc = await res.json();
    render();
  } catch (e) {
    $('subtitle').textContent = 'Could not load the API description.';
    showError($('error'), e.name === 'TypeError' ? describeFetchFailure(e, location.origin) : e.message);
  }
})();
