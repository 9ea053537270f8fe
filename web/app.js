// The map page: reads the URL into a state, fills the form, asks /api/v1/search, shows the
// list and the map, and writes every change back to the URL (a permalink).
// Modules: state.js (URL ⇄ state ⇄ API params), api.js (fetch + error shape), form.js
// (controls ⇄ state), results.js (count, rows, pager, notes), render.js (rows, detail
// panel, labels), map.js (Leaflet, optional).

import { api } from './api.js';
import { buildControls, readForm as readFormOver, showDataset, updateCapCount, writeForm } from './form.js';
import { MapView } from './map.js';
import { Vocab, h, detailBody, formatDistance } from './render.js';
import { hideError, renderEmpty, renderQueryNote, renderResults, renderVisitStatus, showError } from './results.js';
import { emptyState, stateFromParams, apiParams, urlParams, queryKind } from './state.js';

const $ = (id) => document.getElementById(id);
const MAX_LIMIT = 500;

let vocab = null;
let config = null;
let map = null;
let state = emptyState();
let result = null; // last /search response
const known = new Map(); // id -> facility seen on any page, in a nearby list or fetched
let inflight = null;
let fitNext = true;
let completed = 0;

// ---------------------------------------------------------------- startup

async function main() {
  map = new MapView($('map'), $('map-message'), {
    onMarkerSelect: (id) => select(id, { from: 'map', focusDetail: true }),
    onMapClick: (p) => setVisitPoint(p),
    onPointMove: (p) => setVisitPoint(p),
    onViewChange: (v) => {
      state.view = v;
      // While a search runs, its end writes the URL (pushState for a new search).
      if (!inflight) writeUrl('replace');
    },
  });
  try {
    const [cfg, voc] = await Promise.all([api.config(), api.vocabulary()]);
    config = cfg;
    vocab = new Vocab(voc);
  } catch (e) {
    showError(`ページの準備ができませんでした: ${e.message}`);
    $('result-count').textContent = '読み込めませんでした';
    map.init(null);
    return;
  }
  buildControls(vocab);
  showDataset(config);
  map.init(config);
  if (!config.dataset || config.dataset.has_boundaries !== false) {
    api
      .regionsGeojson()
      .then((g) => map.setBoundaries(g))
      .catch(() => {}); // boundaries are a nicety: the map works without them
  }
  bindEvents();
  await restoreFromUrl('replace');
  window.addEventListener('popstate', () => restoreFromUrl(null));
}

async function restoreFromUrl(history) {
  state = stateFromParams(location.search);
  writeForm(state, vocab);
  updateVisitUi(null);
  fitNext = !state.view;
  if (state.view) map.setView(state.view);
  await runSearch(history);
}

function readForm() {
  return readFormOver(state);
}

// ---------------------------------------------------------------- events

function bindEvents() {
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const st = readForm();
    if (queryKind(st) === 'address') st.covers = null; // a typed address replaces a clicked point
    newSearch(st);
  });
  // Filters apply at once; the text box waits for 検索 / Enter.
  $('search-form').addEventListener('change', (e) => {
    const t = e.target;
    if (t.id === 'q') return;
    if (t.type === 'checkbox' && t.id !== 'visit-mode') updateCapCount();
    if (t.id === 'q-mode' && !$('q').value.trim()) return;
    const st = readForm();
    if (t.id === 'visit-mode') {
      map.setPicking(st.visit);
      if (st.visit && queryKind(st) !== 'address' && !st.covers) {
        state = st;
        updateVisitUi(null);
        writeUrl('replace');
        return; // nothing to search yet: wait for an address or a click
      }
    }
    newSearch(st);
  });
  $('visit-clear').addEventListener('click', () => {
    const st = readForm();
    st.covers = null;
    if (queryKind(st) === 'address') st.q = '';
    $('q').value = st.q;
    newSearch(st);
  });
  $('reset-button').addEventListener('click', () => {
    const st = emptyState();
    st.view = state.view;
    writeForm(st, vocab);
    map.setPicking(false);
    newSearch(st);
  });
  $('page-size').addEventListener('change', () => {
    const st = readForm();
    newSearch(st, { keepView: true });
  });
  $('prev-page').addEventListener('click', () => page(-1));
  $('next-page').addEventListener('click', () => page(1));
  $('print-button').addEventListener('click', () => window.print());
  $('detail-close').addEventListener('click', () => closeDetail());
  $('detail').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetail();
  });
}

function newSearch(st, { keepView = false } = {}) {
  st.offset = 0;
  st.sel = null;
  state = st;
  fitNext = !keepView;
  runSearch('push');
}

function page(dir) {
  const st = { ...state };
  st.offset = Math.max(0, st.offset + dir * st.limit);
  st.sel = null;
  state = st;
  fitNext = true;
  runSearch('push').then(() => $('results').focus());
}

function setVisitPoint(p) {
  const st = readForm();
  st.visit = true;
  st.covers = p;
  if (queryKind(st) === 'address') {
    st.q = '';
    $('q').value = '';
  }
  newSearch(st, { keepView: true });
}

// ---------------------------------------------------------------- searching

async function runSearch(history) {
  const params = apiParams(state);
  if (inflight) inflight.abort();
  const ctl = new AbortController();
  inflight = ctl;
  map.setPicking(state.visit);
  $('result-list').setAttribute('aria-busy', 'true');
  document.documentElement.dataset.busy = 'true';
  let res;
  try {
    res = await api.search(params, { signal: ctl.signal });
  } catch (e) {
    if (e.name === 'AbortError' || inflight !== ctl) return;
    inflight = null;
    result = null;
    showError(e.message, e.parameter);
    renderEmpty();
    map.setHits([], 1);
    map.setPoint(null);
    writeUrl(history);
    done();
    return;
  }
  if (inflight !== ctl) return;
  hideError();
  result = res;
  for (const hit of res.hits || []) remember(hit);
  const first = renderResults(res, { vocab, state, onSelect: (id, o) => select(id, o) });
  map.setHits(res.hits || [], first);
  updateVisitUi(res.point);
  renderQueryNote(res, state, (mode) => {
    $('q-mode').value = mode;
    newSearch(readForm());
  });
  const csv = $('csv-link');
  csv.href = api.csvUrl(apiParams(state, { paging: false }));
  // The export stops at the API's page maximum.
  csv.textContent = res.total > MAX_LIMIT ? `CSVダウンロード（先頭 ${MAX_LIMIT} 件）` : 'CSVダウンロード';
  if (fitNext) {
    map.fit(res.point);
    fitNext = false;
    state.view = map.view();
  }
  if (state.sel) await openDetail(state.sel, { pan: false });
  else hideDetail();
  if (inflight !== ctl) return;
  inflight = null;
  writeUrl(history);
  done();
}

function done() {
  $('result-list').removeAttribute('aria-busy');
  completed += 1;
  document.documentElement.dataset.busy = 'false';
  document.documentElement.dataset.searches = String(completed);
}

function writeUrl(history) {
  const qs = urlParams(state).toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ''}`;
  if (history === 'push' && url !== `${location.pathname}${location.search}`) {
    window.history.pushState(null, '', url);
  } else if (history) {
    window.history.replaceState(null, '', url);
  }
  const q = state.q.trim();
  document.title = `${q ? `「${q}」の検索結果 - ` : ''}在宅医療・介護 資源マップ（大阪市）`;
}

/** The point the server used on the map (with the circle in visit mode) and the visit box. */
function updateVisitUi(point) {
  const circlePoint =
    state.visit && point && (point.source === 'covers' || point.source === 'address') ? point : null;
  map.setPoint(circlePoint || point || null, {
    visit: !!circlePoint,
    radiusKm: vocab ? vocab.legalRadiusKm : 16,
  });
  renderVisitStatus(state, circlePoint);
}

// ---------------------------------------------------------------- selection and detail

function rowFor(id) {
  return document.querySelector(`#result-list li[data-id="${CSS.escape(id)}"]`);
}

async function select(id, { from = 'list', focusDetail = false } = {}) {
  state.sel = id;
  for (const r of document.querySelectorAll('#result-list li.selected')) {
    r.classList.remove('selected');
    r.removeAttribute('aria-current');
  }
  const r = rowFor(id);
  if (r) {
    r.classList.add('selected');
    r.setAttribute('aria-current', 'true');
    if (from === 'map') r.scrollIntoView({ block: 'nearest' });
  }
  await openDetail(id, { pan: true, focus: focusDetail });
  writeUrl('replace');
}

/** A facility from another search: its distance and explanation belonged to that search. */
function remember(hit) {
  if (!known.has(hit.id)) known.set(hit.id, { ...hit, distance_m: null, explanation: null, score: null });
}

async function openDetail(id, { pan = false, focus = false } = {}) {
  let hit = ((result && result.hits) || []).find((x) => x.id === id) || known.get(id);
  if (!hit) {
    try {
      hit = await api.facility(id);
      remember(hit);
    } catch (e) {
      showError(e.message, e.parameter);
      state.sel = null;
      hideDetail();
      return;
    }
  }
  if (state.sel !== id) return;
  const r = rowFor(id);
  if (r) {
    r.classList.add('selected');
    r.setAttribute('aria-current', 'true');
  }
  $('detail-title').textContent = hit.name;
  $('detail-body').replaceChildren(detailBody(vocab, hit, { onNearby: showNearby }));
  const panel = $('detail');
  panel.dataset.id = id;
  panel.hidden = false;
  panel.scrollTop = 0;
  document.body.classList.add('detail-open');
  // On wide screens the panel lies over the map's right side: keep the marker out from under it.
  const over = getComputedStyle(panel).position === 'absolute' ? panel.offsetWidth : 0;
  map.select(id, { pan, hit, rightInset: over });
  if (focus) panel.focus();
}

function hideDetail() {
  const panel = $('detail');
  panel.hidden = true;
  delete panel.dataset.id;
  document.body.classList.remove('detail-open');
  map.select(null);
}

function closeDetail() {
  const id = state.sel;
  state.sel = null;
  hideDetail();
  for (const r of document.querySelectorAll('#result-list li.selected')) {
    r.classList.remove('selected');
    r.removeAttribute('aria-current');
  }
  writeUrl('replace');
  const r = id && rowFor(id);
  if (r) r.focus();
  else $('results').focus();
}

async function showNearby(hit, list, btn) {
  btn.disabled = true;
  list.replaceChildren(h('li', null, '読み込み中…'));
  try {
    const res = await api.nearby(hit.id, new URLSearchParams({ limit: '5' }));
    const items = (res.hits || []).filter((n) => n.id !== hit.id);
    list.replaceChildren(
      ...items.map((n) => {
        remember(n);
        const b = h('button', { type: 'button', class: 'linkish' }, n.name);
        b.addEventListener('click', () => select(n.id, { from: 'list', focusDetail: true }));
        return h('li', null, b, ` ${formatDistance(n.distance_m)}`);
      }),
    );
    if (!items.length) list.replaceChildren(h('li', null, '近くの施設は見つかりませんでした。'));
  } catch (e) {
    list.replaceChildren(h('li', { class: 'warn' }, e.message));
  } finally {
    btn.disabled = false;
  }
}

main();
