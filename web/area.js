// The 「地域の状況」 view (for planners): GET /api/v1/coverage/regions (the supply table per
// level, figures linking to their search lists, CSV/xlsx), /coverage/rules (○/× per area),
// /coverage/changes (or its message), and /coverage/towns?role= drawn on the map as a
// choropleth of 町丁目 points with a legend, the thinnest towns and every town as lists; a
// town chosen on the map or in a list shows who covers it (/search with covers= at the
// town and the metric's query: the same rule as the town's count). The view's state lives
// in app.js's store under `area` (area-state.js); app.js owns the URL.

import { api } from './api.js';
import {
  bucketCounts,
  bucketOf,
  BUCKETS,
  levelsOf,
  MEASURES,
  thinnestTowns,
  townCoverParams,
  townPoint,
  townRole,
} from './area-state.js';
import { levelLabel, MEASURE_WORDS, renderChanges, renderCover, renderLegend, renderRules, renderSupply, renderTownLists } from './area-tables.js';
import { $, h } from './dom.js';

/** How many of the thinnest towns are listed first. */
const THIN_LIST = 15;

/**
 * @param {object} deps store (the page's store), map (MapView), writeUrl(history),
 *   remember(records), onDetail(id), onCompare(id), openSearch(href) (the search view at a
 *   page URL), afterRender() (compare buttons are synced there)
 */
export function createAreaView({ store, map, writeUrl, remember, onDetail, onCompare, openSearch, afterRender }) {
  const get = () => store.get();
  const setArea = (patch) => store.update((s) => ({ area: { ...s.area, ...patch } }));
  let fixed = null; // the answers read once: Promise.allSettled of regions, rules, changes
  const towns = new Map(); // role -> /coverage/towns answer
  let shown = null; // {role, metric, features} drawn on the map
  let token = 0;
  let coverCtl = null;
  let runs = 0;
  let covers = 0;
  const data = document.documentElement.dataset;

  function message(id, text) {
    $(id).textContent = text || '';
    $(id).hidden = !text;
  }

  function options(select, list, value) {
    select.replaceChildren(...list.map(([v, text]) => h('option', { value: v }, text)));
    select.value = value;
  }

  /** The supply table's level and measure selects, its note and downloads. */
  function showSupply(res) {
    const a = get().area;
    const levels = levelsOf(res.areas);
    const level = levels.includes(a.level) ? a.level : levels[0] || 'ward';
    const measures = res.population_source ? MEASURES : ['count'];
    const measure = measures.includes(a.measure) ? a.measure : 'count';
    if (level !== a.level || measure !== a.measure) setArea({ level, measure });
    options($('area-level'), levels.map((l) => [l, levelLabel(res.levels, l)]), level);
    options($('area-measure'), measures.map((m) => [m, MEASURE_WORDS[m]]), measure);
    $('area-measure').disabled = measures.length < 2;
    const pop = res.population_source ? `人口は ${res.population_source} から。` : '人口の表がないため、1万人あたりの数は出せません。';
    $('supply-note').textContent = `データは ${res.data_date} 時点（${(res.sources || []).join('、')}）。${pop}数字を押すと、その施設の一覧を開きます。`;
    $('supply-csv').href = api.regionsFileUrl('csv');
    $('supply-xlsx').href = api.regionsFileUrl('xlsx');
    renderSupply(res, { level, measure, pathname: location.pathname, onOpen: openSearch });
  }

  /** The role select (the server's town metrics, labelled by its metrics). */
  function showRoles(res, role) {
    const labels = new Map((res.metrics || []).map((m) => [m.code, m.label]));
    options($('area-role'), (res.town_metrics || []).map((c) => [c, labels.get(c) || c]), role);
    $('area-role').disabled = !role;
  }

  function clearTowns(text) {
    shown = null;
    map.setTowns([]);
    $('area-legend').hidden = true;
    $('thin-towns').replaceChildren();
    $('all-towns').replaceChildren();
    $('all-towns-count').textContent = '0';
    $('cover').hidden = true;
    $('towns-status').textContent = text;
    for (const id of ['towns-csv', 'towns-xlsx']) $(id).removeAttribute('href');
    $('towns-tools').hidden = true;
  }

  /** Draws one role's town coverage (map, legend, lists); `my` is the run it belongs to. */
  async function showTowns(role, my) {
    if (shown && shown.role === role) return;
    let res = towns.get(role);
    if (!res) {
      try {
        res = await api.coverageTowns(role);
      } catch (e) {
        if (my !== token) return;
        clearTowns(e.message);
        return;
      }
      towns.set(role, res);
    }
    if (my !== token) return;
    const features = res.features || [];
    shown = { role, metric: res.metric, features };
    $('cover').hidden = true;
    map.setHits([], 1);
    map.setPoint(null);
    map.setTowns(
      features.map((f) => {
        const b = bucketOf(f.properties.count);
        const p = f.properties;
        return { ...townPoint(f), bucket: b, thin: BUCKETS[b].thin, title: `${p.ward} ${p.town}：${p.count} 施設` };
      }),
      { onSelect: (i) => chooseTown(i) },
    );
    const counts = bucketCounts(features);
    renderLegend(res.metric, counts);
    fit();
    const index = new Map(features.map((f, i) => [f, i]));
    const ordered = thinnestTowns(features).map((f) => ({ f, i: index.get(f) }));
    renderTownLists(ordered.slice(0, THIN_LIST), ordered, { bucketOf, onTown: (i) => chooseTown(i) });
    $('towns-status').textContent =
      `${res.metric.label}：${features.length} 町丁目（データは ${res.data_date} 時点）。` +
      `訪問できる施設が 0 の町丁目は ${counts[0]}、1 の町丁目は ${counts[1]} です。`;
    $('towns-tools').hidden = false;
    $('towns-csv').href = api.townsFileUrl('csv', role);
    $('towns-xlsx').href = api.townsFileUrl('xlsx', role);
  }

  /** Who covers town `i` of the shown role: the search, its list and its markers. */
  async function chooseTown(i) {
    if (!shown || !shown.features[i]) return;
    const { metric, features } = shown;
    const f = features[i];
    if (coverCtl) coverCtl.abort();
    const ctl = new AbortController();
    coverCtl = ctl;
    data.coverBusy = 'true';
    map.selectTown(i);
    for (const b of document.querySelectorAll('.town-button')) {
      if (b.dataset.town === String(i)) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    let res;
    try {
      res = await api.search(townCoverParams(f, metric, get().config.page.max_limit), { signal: ctl.signal });
    } catch (e) {
      if (e.name === 'AbortError' || coverCtl !== ctl) return;
      res = null;
      message('area-error', e.message);
    }
    if (coverCtl !== ctl) return;
    coverCtl = null;
    if (res) {
      message('area-error', '');
      remember(res.hits || []);
      renderCover(get().vocab, f, metric, res, {
        searchHref: `${location.pathname}?${townCoverParams(f, metric)}`,
        onOpen: openSearch,
        onDetail,
        onCompare,
      });
      afterRender();
      map.setHits(res.hits || [], 1);
      map.setPoint(townPoint(f), { label: `${f.properties.ward} ${f.properties.town}` });
      $('cover').focus();
    }
    data.covers = String(++covers);
    data.coverBusy = 'false';
  }

  /** Shows the view for the store's `area` state; `history` as app.js's writeUrl. */
  async function run(history) {
    const my = ++token;
    data.areaBusy = 'true';
    if (!fixed) fixed = Promise.allSettled([api.coverageRegions(), api.coverageRules(), api.coverageChanges()]);
    const [regions, rules, changes] = await fixed;
    if (my !== token) return;
    if (regions.status === 'rejected') {
      fixed = null; // try again next time
      message('area-error', regions.reason.message);
      clearTowns('');
    } else {
      message('area-error', '');
      const res = regions.value;
      showSupply(res);
      if (rules.status === 'fulfilled') renderRules(rules.value, { onDetail });
      else $('rules-body').replaceChildren(h('p', { class: 'warn' }, rules.reason.message));
      if (changes.status === 'fulfilled') renderChanges(changes.value, '', { onDetail });
      else renderChanges(null, changes.reason.message, { onDetail });
      // No role in the URL shows the first; one the server does not count is dropped.
      const role = townRole(get().area, res.town_metrics);
      if (get().area.role && role !== get().area.role) setArea({ role: '' });
      showRoles(res, role);
      if (role) await showTowns(role, my);
      else clearTowns('この索引には町丁目ごとの集計がありません。');
      if (my !== token) return;
      afterRender();
    }
    writeUrl(history);
    data.areas = String(++runs);
    data.areaBusy = 'false';
  }

  /** Leaving the view: the map's towns go (the other views draw their own markers). */
  function leave() {
    token += 1;
    if (coverCtl) coverCtl.abort();
    coverCtl = null;
    clearTowns('');
  }

  /** The map fitted to the towns, clear of the legend over its foot. */
  function fit() {
    map.fitTowns({ bottom: $('area-legend').offsetHeight });
  }

  /** The map was shown again (phones): Leaflet measures it and fits the towns. */
  function onMapShown() {
    fit();
  }

  function bind() {
    for (const [id, key] of [
      ['area-level', 'level'],
      ['area-measure', 'measure'],
      ['area-role', 'role'],
    ]) {
      $(id).addEventListener('change', () => {
        setArea({ [key]: $(id).value });
        run('push');
      });
    }
  }

  return { bind, run, leave, onMapShown };
}
