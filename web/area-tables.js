// The 「地域の状況」 view's body: the supply table (one row per area of a level, a column per
// metric, every figure a link to the search list behind it), the rule checks (○ 満たす /
// × 未達 with the satisfying facilities), the changes since the previous index, the town
// lists (thinnest first, then every town), the map's legend and the list of who covers a
// chosen town. Labels, metrics, messages and titles are the server's. No fetching, no state.

import { acceptingBadge, kindBadges } from './badges.js';
import { compareButton } from './compare.js';
import { $, h } from './dom.js';
import { formatCount, formatDistance } from './format.js';
import { BUCKETS, figure, figureHref } from './area-state.js';

/** A level's words from an answer's `levels` ([{code, label}], /coverage/regions and /rules). */
export function levelLabel(levels, level) {
  const l = (levels || []).find((x) => x.code === level);
  return l ? l.label : level;
}

export const MEASURE_WORDS = { count: '件数', per65: '65歳以上 1万人あたり', per75: '75歳以上 1万人あたり' };

function percent(share) {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

function rate(x) {
  return x === null || x === undefined ? '' : x.toFixed(2);
}

/** A figure as a link to its search list (`data-count`: how many the list will hold). */
function figureLink(href, text, count, label, onOpen) {
  const a = h(
    'a',
    { href, class: 'figure', 'data-testid': 'figure', 'data-count': String(count) },
    text,
    h('span', { class: 'visually-hidden' }, `（${label}）`),
  );
  a.addEventListener('click', (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return; // a new tab or window
    e.preventDefault();
    onOpen(href);
  });
  return a;
}

/**
 * The supply table of the /coverage/regions answer `res` for one level and measure into
 * #supply-wrap. `onOpen(href)` opens a figure's list in the search view.
 */
export function renderSupply(res, { level, measure, pathname, onOpen }) {
  const metrics = res.metrics || [];
  const areas = (res.areas || []).filter((x) => x.level === level);
  const rates = measure !== 'count';
  const popKey = measure === 'per75' ? 'age75' : 'age65';
  const head = h(
    'tr',
    null,
    h('th', { scope: 'col', class: 'area-name' }, levelLabel(res.levels, level)),
    h('th', { scope: 'col' }, res.labels.facilities),
    rates ? h('th', { scope: 'col' }, measure === 'per75' ? '75歳以上人口' : '65歳以上人口') : null,
    metrics.map((m) => h('th', { scope: 'col', 'data-metric': m.code }, m.label)),
    h('th', { scope: 'col' }, res.labels.status_current_share),
  );
  const rows = areas.map((a) => {
    const all = figureHref(pathname, null, a);
    return h(
      'tr',
      { 'data-code': a.code, 'data-level': a.level },
      h('th', { scope: 'row', class: 'area-name' }, a.name),
      h('td', null, figureLink(all, formatCount(a.facilities), a.facilities, `${a.name}の施設 ${a.facilities} 件の一覧`, onOpen)),
      rates ? h('td', null, a.population ? formatCount(a.population[popKey]) : '—') : null,
      metrics.map((m, i) => {
        const n = a.counts[i];
        const v = figure(a, i, measure);
        const text = rates ? (v === null ? '—' : rate(v)) : formatCount(n);
        const label = `${a.name}の${m.label} ${n} 件${rates && v !== null ? `（${MEASURE_WORDS[measure]} ${rate(v)}）` : ''}の一覧`;
        return h('td', { 'data-metric': m.code }, figureLink(figureHref(pathname, m, a), text, n, label, onOpen));
      }),
      h('td', null, `${percent(a.status_current_share)}`, h('span', { class: 'sub' }, `（${a.status_current}）`)),
    );
  });
  const caption = `${levelLabel(res.levels, level)}ごとの在宅医療の資源（${MEASURE_WORDS[measure] || measure}）`;
  $('supply-wrap').replaceChildren(
    h(
      'table',
      { class: 'supply-table', 'data-testid': 'supply-table', 'data-level': level, 'data-measure': measure },
      h('caption', null, caption),
      h('thead', null, head),
      h('tbody', null, rows),
    ),
  );
}

/** A facility name as a button opening its detail. */
function facilityButton(f, onDetail) {
  const b = h('button', { type: 'button', class: 'linkish', 'data-id': f.id }, f.name);
  b.addEventListener('click', () => onDetail(f.id));
  return b;
}

/** The rule checks of /coverage/rules into #rules-body: per rule, a row per area with ○/× in words. */
export function renderRules(res, { onDetail }) {
  const checks = res.checks || [];
  const rules = [...new Set(checks.map((c) => c.rule))];
  const failing = checks.filter((c) => !c.ok).length;
  $('rules-summary').textContent = failing
    ? `${checks.length} 件の確認のうち ${failing} 件が未達です（データは ${res.data_date} 時点）。`
    : `${checks.length} 件の確認をすべて満たしています（データは ${res.data_date} 時点）。`;
  $('rules-summary').classList.toggle('warn', failing > 0);
  const blocks = rules.map((rule) => {
    const list = checks.filter((c) => c.rule === rule);
    const ng = list.filter((c) => !c.ok).length;
    return h(
      'section',
      { class: 'rule', 'data-rule': rule, 'aria-labelledby': `rule-${rule}` },
      h('h4', { id: `rule-${rule}` }, list[0].label),
      h('p', { class: 'help' }, `満たす ${list.length - ng} ・ 未達 ${ng}（${levelLabel(res.levels, list[0].level)}ごと）`),
      h(
        'ul',
        { class: 'rule-list' },
        list.map((c) =>
          h(
            'li',
            { class: `rule-item ${c.ok ? 'rule-ok' : 'rule-ng'}`, 'data-code': c.code, 'data-testid': 'rule-check' },
            h(
              'span',
              { class: `rule-badge ${c.ok ? 'ok' : 'ng'}`, 'data-testid': 'rule-badge', 'data-ok': String(c.ok) },
              c.ok ? '○ 満たす' : '× 未達',
            ),
            h('span', { class: 'rule-area' }, c.name),
            c.facilities.length
              ? h(
                  'details',
                  { class: 'rule-facilities' },
                  h('summary', null, `満たす施設（${c.facilities.length}）`),
                  h('ul', null, c.facilities.map((f) => h('li', null, facilityButton(f, onDetail)))),
                )
              : null,
            !c.ok || !c.facilities.length ? h('p', { class: 'rule-message' }, c.message) : null,
          ),
        ),
      ),
    );
  });
  $('rules-body').replaceChildren(...blocks);
}

/** The changes since the previous index (/coverage/changes) into #changes-body, or its message. */
export function renderChanges(res, message, { onDetail }) {
  const body = $('changes-body');
  if (!res) {
    $('changes-title').textContent = '前回からの変化';
    body.replaceChildren(h('p', { class: 'help', 'data-testid': 'changes-message' }, message));
    return;
  }
  $('changes-title').textContent = res.title;
  const wards = (res.wards || []).filter((w) =>
    ['opened', 'closed', 'gained', 'lost', 'thinned'].some((k) => (w[k] || []).length),
  );
  if (!wards.length) {
    body.replaceChildren(h('p', { class: 'help', 'data-testid': 'changes-message' }, '変化はありません。'));
    return;
  }
  const part = (title, items, item) => (items && items.length ? h('div', { class: 'change-part' }, h('h5', null, `${title}（${items.length}）`), h('ul', null, items.map(item))) : null);
  const fac = (f) => h('li', null, facilityButton(f, onDetail), f.label ? `：${f.label}` : '');
  body.replaceChildren(
    ...wards.map((w) =>
      h(
        'section',
        { class: 'change-ward', 'data-code': w.code, 'data-testid': 'change-ward' },
        h('h4', null, w.name),
        part('開設', w.opened, fac),
        part('廃止', w.closed, fac),
        part('機能が増えた', w.gained, fac),
        part('機能がなくなった', w.lost, fac),
        part('訪問できる施設が減った町丁目', w.thinned, (t) => h('li', null, `${t.town}（${t.metric}）${t.before} → ${t.after}`)),
      ),
    ),
  );
}

/** The map's legend: each bucket's swatch, words and how many towns it holds. */
export function renderLegend(metric, counts) {
  const el = $('area-legend');
  el.hidden = false;
  el.replaceChildren(
    h('p', { class: 'legend-title', id: 'legend-title' }, `凡例：${metric.label}で訪問できる施設の数（町丁目ごと）`),
    h(
      'ul',
      { 'aria-labelledby': 'legend-title' },
      BUCKETS.map((b, i) =>
        h(
          'li',
          { 'data-bucket': String(i) },
          h('span', { class: `swatch town-b${i}${b.thin ? ' town-thin' : ''}`, 'aria-hidden': 'true' }),
          `${b.label} 施設`,
          h('span', { class: 'sub' }, `（${counts[i]} 町丁目）`),
        ),
      ),
    ),
  );
}

/** A town as a button (name, count, nearest) for the town lists. */
function townButton(f, i, bucket, onTown) {
  const p = f.properties;
  const near = p.nearest_m === null || p.nearest_m === undefined ? '近くに施設なし' : `最寄り ${formatDistance(p.nearest_m)}`;
  const b = h(
    'button',
    { type: 'button', class: `town-button town-b${bucket}`, 'data-town': String(i), 'data-count': String(p.count) },
    h('span', { class: 'town-name' }, `${p.ward} ${p.town}`),
    h('span', { class: 'town-count' }, `${p.count} 施設`),
    h('span', { class: 'sub' }, near),
  );
  b.addEventListener('click', () => onTown(i));
  return b;
}

/**
 * The thinnest towns (`thin`, features with their index in the answer) into #thin-towns and
 * every town into #all-towns; `bucketOf(count)` colours them, `onTown(i)` chooses one.
 */
export function renderTownLists(thin, all, { bucketOf, onTown }) {
  const item = ({ f, i }, testid) =>
    h('li', { 'data-testid': testid }, townButton(f, i, bucketOf(f.properties.count), onTown));
  $('thin-towns').replaceChildren(...thin.map((x) => item(x, 'thin-town')));
  $('all-towns').replaceChildren(...all.map((x) => item(x, 'town-item')));
  $('all-towns-count').textContent = String(all.length);
}

/**
 * Who covers a chosen town: the /search answer `res` (covers at the town, the metric's
 * query, nearest first) numbered like the map's markers, with the town's own count beside
 * the list's total. `searchHref` opens the same list in the search view.
 */
export function renderCover(vocab, f, metric, res, { searchHref, onOpen, onDetail, onCompare }) {
  const p = f.properties;
  const hits = res.hits || [];
  $('cover').hidden = false;
  $('cover-title').textContent = `${p.ward} ${p.town} に訪問できる${metric.label}`;
  const count = $('cover-count');
  count.dataset.total = String(res.total);
  count.dataset.count = String(p.count);
  count.textContent =
    res.total === p.count
      ? `${res.total} 件（地図の数と同じ・近い順）`
      : `${res.total} 件（地図の数は ${p.count} 件・近い順）`;
  const more = res.total > hits.length;
  const link = h('a', { href: searchHref }, more ? `先頭の ${hits.length} 件を表示しています。すべてを検索画面で見る` : '検索画面で開く');
  link.addEventListener('click', (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    onOpen(searchHref);
  });
  $('cover-more').replaceChildren(link);
  $('cover-list').replaceChildren(
    ...hits.map((x, k) => {
      const detail = h('button', { type: 'button', class: 'btn btn-small' }, '詳細', h('span', { class: 'visually-hidden' }, `（${x.name}）`));
      detail.addEventListener('click', () => onDetail(x.id));
      const dist = formatDistance(x.distance_m);
      return h(
        'li',
        { class: 'cover-row', 'data-id': x.id, 'data-testid': 'cover-row' },
        h('div', { class: `hit-num group-${vocab.facilityGroup(x.kinds)}`, 'aria-hidden': 'true' }, String(k + 1)),
        h(
          'div',
          { class: 'cover-main' },
          h('p', { class: 'cover-name' }, h('span', { class: 'visually-hidden' }, `${k + 1}. `), x.name),
          h('div', { class: 'hit-meta' }, kindBadges(vocab, x.kinds), acceptingBadge(vocab, x)),
          x.explanation ? h('p', { class: 'hit-explanation' }, x.explanation) : null,
          h('div', { class: 'member-tools' }, detail, compareButton(x.id, x.name, onCompare)),
        ),
        dist ? h('div', { class: 'hit-distance' }, h('span', { class: 'visually-hidden' }, '距離 '), dist) : null,
      );
    }),
  );
  if (!hits.length) $('cover-list').replaceChildren(h('li', { class: 'no-hits' }, 'この町丁目に訪問できる施設はありません。'));
}
