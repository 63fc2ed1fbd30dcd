// Tessera admin dashboard: polls GET /v1/admin/stats every 2 s and draws it. No dependencies.
'use strict';

const POLL_MS = 2000;
const MAX_SERIES = 6; // the busiest endpoints get a line; more would be unreadable
const COLORS = ['#2f6fed', '#e8590c', '#1f9d55', '#ae3ec9', '#d6336c', '#0c8599'];

const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or text (never parsed as HTML). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const fmtInt = (n) => Number(n).toLocaleString('en-US');

function fmtBytes(b) {
  if (b < 0) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return (i === 0 ? b : b.toFixed(b < 10 ? 2 : 1)) + ' ' + units[i];
}

function fmtSeconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 60) return Math.round(s) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
}

/** A stat card: the shown text is formatted, data-value keeps the raw number for scripts and tests. */
function setStat(id, value, text) {
  const node = $(id);
  node.dataset.value = String(value);
  node.textContent = text === undefined ? fmtInt(value) : text;
}

function definitions(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function render(s) {
  const ix = s.index;
  setStat('stat-documents', ix.documents);
  setStat('stat-chunks', ix.chunks);
  setStat('stat-vectors', ix.vectors);
  setStat('stat-segments', ix.segments);
  setStat('stat-size', ix.size_on_disk_bytes, fmtBytes(ix.size_on_disk_bytes));
  setStat('stat-videos', s.videos);

  const params = Object.entries(ix.vector_parameters || {}).map(([k, v]) => k + ' = ' + v).join(', ');
  definitions($('engine'), [
    ['engine', ix.vector_engine], ['parameters', params || '–'], ['similarity', ix.similarity],
    ['index format', 'Tessera ' + ix.format + ', Lucene ' + ix.lucene_version]]);

  const m = s.embedding_model;
  const q = (s.embedding_queues || []).find((e) => e.model === m.name);
  definitions($('embedding-model'), [
    ['name', m.name], ['dimension', m.dimension ?? ix.dimension], ['device', m.device ?? '–'], ['status', m.status],
    ['queue', q ? fmtInt(q.texts) + ' texts, ' + fmtInt(q.tokens) + ' tokens (limits ' + fmtInt(q.max_texts) + ', '
      + fmtInt(q.max_tokens) + ')' : '–'],
    ['refused (429)', q ? fmtInt(q.rejections) : '–']]);

  renderTokenizers(s.tokenizers);
  renderJobs(s.jobs);
  renderCollections(s.collections || []);
  renderCharts(s.requests);
}

function renderCollections(collections) {
  const body = $('collections').querySelector('tbody');
  body.replaceChildren(...collections.map((c) => el('tr', { 'data-collection': c.name },
    el('td', {}, c.name), el('td', {}, c.model ? c.model + ' (' + c.dimension + '-d)' : 'client, ' + c.dimension + '-d'),
    el('td', {}, c.similarity), el('td', {}, fmtInt(c.documents)), el('td', {}, fmtInt(c.chunks)),
    el('td', {}, fmtBytes(c.size_on_disk_bytes)), el('td', {}, fmtInt(c.metadata_keys)))));
}

function renderTokenizers(t) {
  const rows = [];
  for (const m of t.installed) {
    const details = m.kind === 'image-tokenizer'
      ? [m.num_tokens + ' tokens', 'codebook ' + m.codebook_size, m.image_size + ' px', m.device,
         m.parameters ? fmtInt(m.parameters) + ' params' : null].filter(Boolean).join(' · ')
      : 'LLM token counting for /v1/rag/context';
    rows.push(el('tr', {}, el('td', {}, m.name), el('td', {}, m.kind),
      el('td', {}, el('span', { class: 'badge ' + m.status }, m.status)), el('td', {}, details)));
  }
  for (const m of t.unavailable) {
    rows.push(el('tr', { 'data-unavailable': m.name }, el('td', {}, m.name), el('td', {}, m.kind),
      el('td', {}, el('span', { class: 'badge unavailable' }, 'unavailable')),
      el('td', {}, el('span', { class: 'problem' }, m.problem || ''))));
  }
  $('tokenizers').replaceChildren(...rows);
}

function renderJobs(jobs) {
  const box = $('jobs');
  box.dataset.count = String(jobs.length);
  if (jobs.length === 0) {
    box.replaceChildren(el('p', { class: 'empty' }, 'No job in flight.'));
    return;
  }
  box.replaceChildren(...jobs.map((j) => {
    const processed = j.done + j.failed;
    const pct = j.total > 0 ? Math.min(100, (100 * processed) / j.total) : 0;
    const failedPct = j.total > 0 ? (100 * j.failed) / j.total : 0;
    const meta = [fmtInt(j.done) + ' / ' + fmtInt(j.total) + ' done', j.failed ? fmtInt(j.failed) + ' failed' : null,
      j.state === 'running' ? j.rate_per_s.toFixed(1) + ' docs/s' : null,
      j.state === 'running' ? 'ETA ' + fmtSeconds(j.eta_s) : null].filter(Boolean).join(' · ');
    return el('div', { class: 'job ' + j.state, 'data-job': j.id, 'data-done': j.done, 'data-total': j.total },
      el('div', { class: 'head' }, el('span', { class: 'id' }, j.id),
        el('span', { class: 'badge ' + j.state }, j.state)),
      el('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': Math.round(pct), 'aria-valuemin': 0, 'aria-valuemax': 100 },
        el('div', { class: 'fill', style: 'width:' + (pct - failedPct).toFixed(1) + '%;float:left' }),
        el('div', { class: 'fill failed', style: 'width:' + failedPct.toFixed(1) + '%;float:left' })),
      el('div', { class: 'meta' }, meta),
      j.message ? el('div', { class: 'message' }, j.message) : null);
  }));
}

function renderCharts(requests) {
  $('window').textContent = 'last ' + fmtSeconds(requests.window_s) + ', every ' + requests.interval_s + ' s';
  const series = requests.endpoints.slice(0, MAX_SERIES);
  const now = Date.now();
  // Until the service has run for the whole window, the axis starts at its first sample.
  let first = now;
  for (const e of series) if (e.points.length) first = Math.min(first, e.points[0].t);
  const from = Math.max(now - requests.window_s * 1000, Math.min(first, now - 60 * 1000));
  drawChart($('chart-rate'), series, (p) => p.rate_per_s, from, now, '/s');
  drawChart($('chart-latency'), series, (p) => p.mean_ms, from, now, ' ms');
  $('legend').replaceChildren(...series.map((e, i) => el('span', { 'data-uri': e.uri },
    el('i', { style: 'background:' + COLORS[i] }), e.uri + ' (' + fmtInt(e.total) + ')')));
}

/** 1, 2, 5 × 10^k at or above v: round axis maxima. */
function niceCeil(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function drawChart(canvas, series, value, from, to, unit) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight || 200;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  let max = 0;
  for (const e of series) for (const p of e.points) { const v = value(p); if (v !== null && v > max) max = v; }
  max = niceCeil(max * 1.05);
  g.font = '11px system-ui, sans-serif';
  const ticks = [0, 1, 2, 3, 4].map((i) => (max * i) / 4);
  const label = (v) => (v >= 10 ? Math.round(v) : +v.toFixed(2)) + unit;
  const pad = { l: 10 + Math.max(...ticks.map((v) => g.measureText(label(v)).width)), r: 12, t: 10, b: 24 };
  const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
  const x = (t) => pad.l + ((t - from) / (to - from)) * pw;
  const y = (v) => pad.t + ph - (v / max) * ph;

  g.fillStyle = '#6b7385';
  g.strokeStyle = '#e3e6ec';
  g.lineWidth = 1;
  for (const v of ticks) {
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath(); g.moveTo(pad.l, yy); g.lineTo(w - pad.r, yy); g.stroke();
    g.textAlign = 'right'; g.textBaseline = 'middle';
    g.fillText(label(v), pad.l - 6, yy);
  }
  g.textAlign = 'center'; g.textBaseline = 'top';
  for (let i = 0; i <= 4; i++) {
    const t = from + ((to - from) * i) / 4;
    const ago = Math.round((to - t) / 1000);
    const text = ago === 0 ? 'now'
      : '-' + (ago >= 60 ? Math.floor(ago / 60) + ' min' + (ago % 60 ? ' ' + (ago % 60) + ' s' : '') : ago + ' s');
    g.fillText(text, x(t), h - pad.b + 6);
  }
  if (!series.some((e) => e.points.some((p) => value(p) !== null && value(p) > 0))) {
    g.textAlign = 'center'; g.textBaseline = 'middle';
    g.fillText('no requests in this window', pad.l + pw / 2, pad.t + ph / 2);
    return;
  }
  series.forEach((e, i) => {
    g.strokeStyle = COLORS[i];
    g.fillStyle = COLORS[i];
    g.lineWidth = 2;
    g.beginPath();
    let drawing = false;
    for (const p of e.points) {
      const v = value(p);
      if (v === null || p.t < from) { drawing = false; continue; } // a gap: no requests, no latency
      if (drawing) g.lineTo(x(p.t), y(v)); else g.moveTo(x(p.t), y(v));
      drawing = true;
    }
    g.stroke();
    for (const p of e.points) { // dots, so single points (isolated intervals) show too
      const v = value(p);
      if (v === null || p.t < from) continue;
      g.beginPath(); g.arc(x(p.t), y(v), 2, 0, 2 * Math.PI); g.fill();
    }
  });
}

function setStatus(ok, text) {
  const dot = $('status');
  dot.className = 'dot ' + (ok ? 'ok' : 'bad');
  dot.title = text;
  $('updated').textContent = text;
}

async function refresh() {
  try {
    const headers = { Accept: 'application/json' };
    const key = sessionStorage.getItem('tessera-api-key');
    if (key) headers.Authorization = 'Bearer ' + key;
    const r = await fetch('/v1/admin/stats', { cache: 'no-store', headers });
    if (r.status === 401 || r.status === 403) {
      // API keys are on (tessera.security.api-keys): ask once per tab, keep it for this tab only.
      const entered = window.prompt(r.status === 401 ? 'API key for this Tessera server' : 'That key was refused; API key');
      if (entered) sessionStorage.setItem('tessera-api-key', entered.trim());
      else sessionStorage.removeItem('tessera-api-key');
    }
    if (!r.ok) throw new Error('HTTP ' + r.status);
    const stats = await r.json();
    render(stats);
    document.body.dataset.loaded = 'true';
    setStatus(true, 'updated ' + new Date().toLocaleTimeString());
  } catch (e) {
    setStatus(false, 'stats unavailable (' + e.message + '), retrying');
  } finally {
    setTimeout(refresh, POLL_MS);
  }
}

refresh();
