// The map page's controller: reads the URL into a state, fills the form, asks
// /api/v1/search, shows the list and the map, and writes every change back to the URL (a
// permalink). Everything that changes lives in one store (store.js) and changes only through
// `store.update`. The page has three views sharing the map and the detail panel: the search
// (this file), 「在宅チームを探す」 (team.js, `?view=team`) and 「地域の状況」 (area.js,
// `?view=area`); the compare list (compare.js) belongs to all. See README.md for the others.

import { api } from './api.js';
import { createAreaView } from './area.js';
import { areaFromParams, areaUrlParams, emptyArea, isAreaView } from './area-state.js';
import { compareFromParams } from './compare-state.js';
import { syncCompareButtons } from './compare.js';
import { createCompareView } from './compare-view.js';
import { detailBody } from './detail.js';
import { $, h } from './dom.js';
import { closeDrawer, initDrawer, setFilterCount, showPane } from './drawer.js';
import {
  buildControls,
  readForm as readFormOver,
  showDataset,
  showSceneExpansion,
  updateCapCount,
  writeForm,
} from './form.js';
import { formatDistance } from './format.js';
import { MapView } from './map.js';
import { hideError, renderEmpty, renderQueryNote, renderResults, renderVisitStatus, showError } from './results.js';
import {
  activeFilterCount,
  apiParams,
  emptyState,
  exportParams,
  queryKind,
  stateFromParams,
  urlParams,
  withTypedWords,
} from './state.js';
import { createStore } from './store.js';
import { createRecords, withRecord } from './records.js';
import { createTeamView } from './team.js';
import { emptyTeam, hasHome, isTeamView, teamFromParams, teamUrlParams } from './team-state.js';
import { Vocab } from './vocab.js';

const store = createStore({
  config: null, // GET /api/v1/config (tiles, attributions, dataset, page sizes)
  vocab: null, // a Vocab over GET /api/v1/vocabulary
  search: null, // the page state of state.js; null until the config is read
  result: null, // the last /search response
  known: new Map(), // id -> facility seen on any page, in a nearby list or fetched
  inflight: null, // the AbortController of the search under way
  fitNext: true, // fit the map to the next results
  busy: false, // a search is under way
  completed: 0, // searches finished (for tests waiting on the page)
  mode: 'search', // 'search' | 'team' | 'area' (the view shown)
  team: emptyTeam(), // the team view's state (team-state.js)
  teamResult: null, // the last /team response
  teamsDone: 0, // team searches finished (for tests: <html data-teams>)
  compare: [], // ids in the compare list (compare-state.js), every view
  area: emptyArea(), // the area view's state (area-state.js)
});

/** Whole records for the detail and compare panels (searches carry the list view). */
const records = createRecords((id) => api.facility(id));

const get = () => store.get();

/** Changes some keys of the page state. */
function setSearch(patch) {
  store.update((s) => ({ search: { ...s.search, ...patch } }));
}

/** `known` with these facilities added; their distance and explanation belonged to another search. */
function remembered(known, hits) {
  const fresh = hits.filter((x) => !known.has(x.id));
  if (!fresh.length) return known;
  const next = new Map(known);
  for (const x of fresh) next.set(x.id, { ...x, distance_m: null, explanation: null, score: null });
  return next;
}

function remember(hits) {
  store.update((s) => ({ known: remembered(s.known, hits) }));
}

// What tests and assistive technology read off the page while searches run.
store.subscribe((s, prev) => {
  if (s.busy === prev.busy && s.completed === prev.completed) return;
  const d = document.documentElement.dataset;
  d.busy = String(s.busy);
  d.searches = String(s.completed);
  if (s.busy) $('result-list').setAttribute('aria-busy', 'true');
  else $('result-list').removeAttribute('aria-busy');
});

// The phone's drawer toggle counts the search's filters.
store.subscribe((s, prev) => {
  if (s.search !== prev.search && s.search) setFilterCount(activeFilterCount(s.search));
});

const map = new MapView($('map'), $('map-message'), {
  onMarkerSelect: (id) => select(id, { from: 'map', focusDetail: true }),
  onMapClick: (p) => setVisitPoint(p),
  onPointMove: (p) => setVisitPoint(p),
  onViewChange: (v) => {
    if (!get().search || get().mode !== 'search') return;
    setSearch({ view: v });
    // While a search runs, its end writes the URL (pushState for a new search).
    if (!get().inflight) writeUrl('replace');
  },
});

const team = createTeamView({
  store,
  map,
  writeUrl: (history) => writeUrl(history),
  remember: (records) => remember(records),
  onDetail: (id) => select(id, { from: 'team', focusDetail: true }),
  onCompare: (id) => compare.toggle(id),
  afterRender: () => syncCompareButtons(get().compare),
});

const area = createAreaView({
  store,
  map,
  writeUrl: (history) => writeUrl(history),
  remember: (records) => remember(records),
  onDetail: (id) => select(id, { from: 'area', focusDetail: true }),
  onCompare: (id) => compare.toggle(id),
  // A figure's list: the search view at that URL, a new history entry (Back returns here).
  openSearch: (href) => {
    window.history.pushState(null, '', href);
    restoreFromUrl('replace').then(() => $('results').focus());
  },
  afterRender: () => syncCompareButtons(get().compare),
});

const compare = createCompareView({
  store,
  team,
  records,
  writeUrl: (history) => writeUrl(history),
  remember: (records) => remember(records),
  hideDetail: () => hideDetail(),
});

// ---------------------------------------------------------------- startup

async function main() {
  try {
    const [config, voc] = await Promise.all([api.config(), api.vocabulary()]);
    store.update({ config, vocab: new Vocab(voc) });
  } catch (e) {
    showError(`ページの準備ができませんでした: ${e.message}`);
    $('result-count').textContent = '読み込めませんでした';
    map.init(null, null);
    return;
  }
  const { config, vocab } = get();
  buildControls(vocab, config.page);
  showDataset(config);
  map.init(config, vocab);
  if (!config.dataset || config.dataset.has_boundaries !== false) {
    api
      .regionsGeojson()
      .then((g) => map.setBoundaries(g))
      .catch(() => {}); // boundaries are a nicety: the map works without them
  }
  bindEvents();
  team.bind();
  area.bind();
  // Shown after being hidden (phones): Leaflet measures the map again and fits what it shows.
  initDrawer({
    onMap: () => {
      const { mode, teamResult, result } = get();
      if (mode === 'area') return area.onMapShown();
      const r = mode === 'team' ? teamResult : result;
      map.fit((r && r.point) || null);
    },
  });
  await restoreFromUrl('replace');
  window.addEventListener('popstate', () => restoreFromUrl(null));
}

async function restoreFromUrl(history) {
  const params = new URLSearchParams(location.search);
  store.update({ compare: compareFromParams(params) });
  if (isAreaView(params)) {
    store.update((s) => ({ area: areaFromParams(params), search: s.search || emptyState(s.config.page) }));
    showMode('area');
    await area.run(history);
    return;
  }
  if (isTeamView(params)) {
    store.update((s) => ({ team: teamFromParams(params), search: s.search || emptyState(s.config.page) }));
    showMode('team');
    writeForm(get().search, get().vocab);
    await team.run(history);
    return;
  }
  const search = stateFromParams(params, get().config.page);
  showMode('search');
  store.update({ search, fitNext: !search.view });
  writeForm(search, get().vocab);
  updateVisitUi(null);
  if (search.view) map.setView(search.view);
  await runSearch(history);
}

/** The search the form asks for over the one shown (new words are corrected again). */
function readForm() {
  const shown = get().search;
  return withTypedWords(shown, readFormOver(shown));
}

const VIEWS = {
  search: { tab: 'tab-search', body: 'results', skip: '検索結果へ移動' },
  team: { tab: 'tab-team', body: 'team', skip: '在宅チームへ移動' },
  area: { tab: 'tab-area', body: 'area-view', skip: '地域の状況へ移動' },
};

/** Shows one view: the search form and results, the team view or the area view; the tabs say which. */
function showMode(mode) {
  if (get().mode === 'area' && mode !== 'area') area.leave();
  store.update({ mode });
  $('search-form').hidden = mode !== 'search';
  for (const [m, v] of Object.entries(VIEWS)) {
    $(v.body).hidden = m !== mode;
    document.body.classList.toggle(`${m}-mode`, m === mode);
    if (m === mode) $(v.tab).setAttribute('aria-current', 'page');
    else $(v.tab).removeAttribute('aria-current');
  }
  $('skip-link').href = `#${VIEWS[mode].body}`;
  $('skip-link').textContent = VIEWS[mode].skip;
  if (mode !== 'search') {
    map.setPicking(false);
    closeDrawer({ focus: false });
    hideDetail();
  }
}

/** From the search to the team view: a searched address and scene carry over. */
function openTeamView() {
  if (get().mode === 'team') return;
  const s = get().search;
  const t = { ...get().team };
  if (!hasHome(t) && queryKind(s) === 'address') t.address = s.q.trim();
  if (s.scene) t.scene = s.scene;
  store.update({ team: t });
  showMode('team');
  team.run('push').then(() => $('team').focus());
}

function openAreaView() {
  if (get().mode === 'area') return;
  showMode('area');
  area.run('push').then(() => $('area-view').focus());
}

function openSearchView() {
  if (get().mode === 'search') return;
  showMode('search');
  store.update({ fitNext: true });
  writeForm(get().search, get().vocab);
  updateVisitUi(null);
  runSearch('push');
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
        store.update({ search: st });
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
    const st = { ...emptyState(get().config.page), view: get().search.view };
    writeForm(st, get().vocab);
    map.setPicking(false);
    newSearch(st);
  });
  $('page-size').addEventListener('change', () => {
    newSearch(readForm(), { keepView: true });
  });
  $('prev-page').addEventListener('click', () => turnPage(-1));
  $('next-page').addEventListener('click', () => turnPage(1));
  $('print-button').addEventListener('click', () => window.print());
  $('scene').addEventListener('change', () => showSceneExpansion('scene', get().vocab));
  $('search-form').addEventListener('submit', () => closeDrawer({ focus: false }));
  for (const [id, open] of [
    ['tab-search', openSearchView],
    ['tab-team', openTeamView],
    ['tab-area', openAreaView],
  ]) {
    $(id).addEventListener('click', (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return; // a new tab or window
      e.preventDefault();
      showPane('list');
      open();
    });
  }
  compare.bind();
  $('detail-close').addEventListener('click', () => closeDetail());
  $('detail').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetail();
  });
}

function newSearch(st, { keepView = false } = {}) {
  store.update({ search: { ...st, offset: 0, sel: null }, fitNext: !keepView });
  return runSearch('push');
}

/** The search shown, again with its words as typed (`typo=false`): the corrected answer's link. */
function searchAsTyped() {
  const st = { ...get().search, typo: false };
  writeForm(st, get().vocab);
  newSearch(st).then(() => $('results').focus());
}

function turnPage(dir) {
  const st = get().search;
  store.update({
    search: { ...st, offset: Math.max(0, st.offset + dir * st.limit), sel: null },
    fitNext: true,
  });
  runSearch('push').then(() => $('results').focus());
}

function setVisitPoint(p) {
  const st = { ...readForm(), visit: true, covers: p };
  if (queryKind(st) === 'address') {
    st.q = '';
    $('q').value = '';
  }
  newSearch(st, { keepView: true });
}

// ---------------------------------------------------------------- searching

async function runSearch(history) {
  const params = apiParams(get().search);
  const before = get().inflight;
  if (before) before.abort();
  const ctl = new AbortController();
  store.update({ inflight: ctl, busy: true });
  map.setPicking(get().search.visit);
  let res;
  try {
    res = await api.search(params, { signal: ctl.signal });
  } catch (e) {
    if (e.name === 'AbortError' || get().inflight !== ctl) return;
    store.update({ inflight: null, result: null });
    showError(e.message, e.parameter);
    renderEmpty();
    map.setHits([], 1);
    map.setPoint(null);
    writeUrl(history);
    done();
    return;
  }
  if (get().inflight !== ctl) return;
  hideError();
  store.update((s) => ({ result: res, known: remembered(s.known, res.hits || []) }));
  const { vocab, config, search } = get();
  const first = renderResults(res, {
    vocab,
    state: search,
    onSelect: (id, o) => select(id, o),
    onCompare: (id) => compare.toggle(id),
  });
  syncCompareButtons(get().compare);
  map.setHits(res.hits || [], first);
  updateVisitUi(res.point);
  renderQueryNote(res, search, {
    retryAs: (mode) => {
      $('q-mode').value = mode;
      newSearch(readForm());
    },
    asTyped: { href: searchHref({ ...search, typo: false, offset: 0, sel: null, view: null }), run: searchAsTyped },
  });
  const csv = $('csv-link');
  // The file holds what the list shows: corrected words, when the server corrected them.
  csv.href = api.csvUrl(exportParams(search, res));
  // The export stops at the API's page maximum.
  const max = config.page.max_limit;
  csv.textContent = res.total > max ? `CSVダウンロード（先頭 ${max} 件）` : 'CSVダウンロード';
  showWardLists(search.wards, vocab);
  if (get().fitNext) {
    map.fit(res.point);
    store.update({ fitNext: false });
    setSearch({ view: map.view() });
  }
  const sel = get().search.sel;
  if (sel) await openDetail(sel, { pan: false });
  else hideDetail();
  if (get().inflight !== ctl) return;
  store.update({ inflight: null });
  writeUrl(history);
  done();
}

/** With one ward (or undivided 市町村) chosen: its printed lists (a page to print, Excel). */
function showWardLists(wards, vocab) {
  const leaf = wards.length === 1 && (vocab.raw.wards || []).some((w) => String(w.code) === String(wards[0]));
  const one = leaf ? encodeURIComponent(wards[0]) : null;
  $('ward-lists').hidden = !one;
  if (!one) return;
  $('ward-list-link').href = `/lists/ward/${one}`;
  $('active-list-link').href = `/lists/active/${one}`;
  $('ward-list-xlsx').href = `/api/v1/lists/ward/${one}.xlsx`;
}

function done() {
  store.update((s) => ({ busy: false, completed: s.completed + 1 }));
}

/** The page URL of a search (with the compare list), for links to another search. */
function searchHref(search) {
  const u = urlParams(search, get().config.page);
  const { compare } = get();
  if (compare.length) u.set('cmp', compare.join(','));
  const qs = u.toString();
  return `${location.pathname}${qs ? `?${qs}` : ''}`;
}

function writeUrl(history) {
  const { search, config, mode, compare } = get();
  const searchUrl = urlParams(search, config.page);
  const teamUrl = teamUrlParams(get().team);
  const areaUrl = areaUrlParams(get().area);
  if (compare.length) for (const u of [searchUrl, teamUrl, areaUrl]) u.set('cmp', compare.join(','));
  const searchQs = searchUrl.toString();
  $('tab-search').href = `${location.pathname}${searchQs ? `?${searchQs}` : ''}`;
  $('tab-team').href = `${location.pathname}?${teamUrl}`;
  $('tab-area').href = `${location.pathname}?${areaUrl}`;
  const qs = (mode === 'team' ? teamUrl : mode === 'area' ? areaUrl : searchUrl).toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ''}`;
  if (history === 'push' && url !== `${location.pathname}${location.search}`) {
    window.history.pushState(null, '', url);
  } else if (history) {
    window.history.replaceState(null, '', url);
  }
  // The title goes into the history list and bookmarks by name: an address stays out of it.
  const q = search.q.trim();
  const what =
    mode === 'team' ? '在宅チーム' : mode === 'area' ? '地域の状況' : queryKind(search) === 'address' ? '住所から探した結果' : q ? `「${q}」の検索結果` : '';
  document.title = `${what ? `${what} - ` : ''}在宅医療・介護 資源マップ（大阪市）`;
}

/** The point the server used on the map (with the circle in visit mode) and the visit box. */
function updateVisitUi(point) {
  const { search } = get();
  const circlePoint =
    search.visit && point && (point.source === 'covers' || point.source === 'address') ? point : null;
  map.setPoint(circlePoint || point || null, { visit: !!circlePoint });
  renderVisitStatus(search, circlePoint);
}

// ---------------------------------------------------------------- selection and detail

function rowFor(id) {
  return document.querySelector(`#result-list li[data-id="${CSS.escape(id)}"]`);
}

function unmarkRows() {
  for (const r of document.querySelectorAll('#result-list li.selected')) {
    r.classList.remove('selected');
    r.removeAttribute('aria-current');
  }
}

function markRow(id) {
  const r = rowFor(id);
  if (r) {
    r.classList.add('selected');
    r.setAttribute('aria-current', 'true');
  }
  return r;
}

async function select(id, { from = 'list', focusDetail = false } = {}) {
  setSearch({ sel: id });
  unmarkRows();
  const r = markRow(id);
  if (r && from === 'map') r.scrollIntoView({ block: 'nearest' });
  await openDetail(id, { pan: true, focus: focusDetail });
  writeUrl('replace');
}

async function openDetail(id, { pan = false, focus = false } = {}) {
  const { result, known } = get();
  const listed = ((result && result.hits) || []).find((x) => x.id === id) || known.get(id);
  let hit;
  try {
    hit = withRecord(await records.get(id), listed);
  } catch (e) {
    if (get().search.sel !== id) return;
    showError(e.message, e.parameter);
    setSearch({ sel: null });
    hideDetail();
    return;
  }
  if (!listed) remember([hit]);
  if (get().search.sel !== id) return;
  markRow(id);
  $('detail-title').textContent = hit.name;
  $('detail-body').replaceChildren(detailBody(get().vocab, hit, { onNearby: showNearby }));
  const panel = $('detail');
  panel.dataset.id = id;
  $('compare').hidden = true;
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
  if ($('compare').hidden) document.body.classList.remove('detail-open');
  map.select(null);
}

function closeDetail() {
  const id = get().search.sel;
  setSearch({ sel: null });
  hideDetail();
  unmarkRows();
  writeUrl('replace');
  const { mode } = get();
  const back =
    id &&
    ((mode === 'team' && document.querySelector(`#team-roles input[data-pick="${CSS.escape(id)}"]`)) ||
      (mode === 'area' && document.querySelector(`#area-view [data-id="${CSS.escape(id)}"] button, #area-view button[data-id="${CSS.escape(id)}"]`)));
  const r = back || (id && rowFor(id));
  if (r) r.focus();
  else $(VIEWS[mode].body).focus();
}

async function showNearby(hit, list, btn) {
  btn.disabled = true;
  list.replaceChildren(h('li', null, '読み込み中…'));
  try {
    const res = await api.nearby(hit.id, new URLSearchParams({ limit: '5' }));
    const items = (res.hits || []).filter((n) => n.id !== hit.id);
    remember(items);
    list.replaceChildren(
      ...items.map((n) => {
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
