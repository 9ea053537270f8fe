// The compare list on the page: the 「比較」 buttons of rows and team members, the bar that
// counts them, and the panel that shows up to four facilities side by side: kinds, 新規受入,
// reach (radius and wards), the distance to the searched address, each capability with
// where it comes from, 車いす/小児. The list itself is kept in app.js's store (`compare`).

import { acceptingBadge, kindBadges } from './badges.js';
import { capabilityRows, COMPARE_MAX, distanceM } from './compare-state.js';
import { $, h } from './dom.js';
import { formatAddress, formatDistance, telHref } from './format.js';

/** A toggle button adding a facility to (or taking it off) the compare list. */
export function compareButton(id, name, onToggle) {
  const b = h(
    'button',
    { type: 'button', class: 'btn btn-small compare-toggle', 'data-compare-id': id, 'aria-pressed': 'false' },
    '比較',
    h('span', { class: 'visually-hidden' }, `（${name}）`),
  );
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onToggle(id);
  });
  return b;
}

/** Every 「比較」 button pressed when its facility is in the list. */
export function syncCompareButtons(list) {
  for (const b of document.querySelectorAll('[data-compare-id]')) {
    b.setAttribute('aria-pressed', String(list.includes(b.dataset.compareId)));
  }
}

/** The bar under the view tabs: how many are in the list. */
export function renderCompareBar(list) {
  $('compare-bar').hidden = !list.length;
  $('compare-count').textContent = `比較: ${list.length} 件（${COMPARE_MAX} 件まで）`;
  $('compare-open').disabled = list.length < 2;
}

/** The refusal (or any note) about the compare list; '' hides it. */
export function compareMessage(text) {
  const el = $('compare-message');
  el.textContent = text;
  el.hidden = !text;
}

function reachText(vocab, rec) {
  const parts = [];
  if (rec.service_radius_km !== null && rec.service_radius_km !== undefined) parts.push(`半径 ${rec.service_radius_km} km`);
  else parts.push('半径は種別の既定');
  const wards = (rec.service_wards || []).map((w) => vocab.wardName(w));
  parts.push(wards.length ? `${vocab.fieldLabel('service_wards')}: ${wards.join('、')}` : '対応地域の指定なし');
  return parts.join(' ／ ');
}

function flagText(v) {
  if (v === true) return '対応';
  if (v === false) return '非対応';
  return '不明';
}

function capCell(cell) {
  const word = cell.has === true ? '○ あり' : cell.has === false ? '× なし' : '— 情報なし';
  return h(
    'td',
    { class: `cap-cell cap-${cell.has === true ? 'yes' : cell.has === false ? 'no' : 'unknown'}` },
    h('span', { class: 'cap-word' }, word),
    cell.source ? h('span', { class: 'cap-source' }, `根拠: ${cell.source}`) : null,
  );
}

/**
 * The panel's table for these records (in list order). `point` is the searched address
 * ({lat, lon} or null) and `placeName` how to name it; a record's `distance_m` is used when
 * it was measured from that point, otherwise the distance is worked out here.
 * `onRemove(id)` takes one off the list.
 */
export function renderCompare(vocab, records, { point, placeName, onRemove }) {
  const distance = (r) => {
    if (Number.isFinite(r.distance_m)) return formatDistance(r.distance_m);
    if (point && r.location) return formatDistance(distanceM(point, r.location));
    return '—';
  };
  const row = (label, cells) =>
    h('tr', null, h('th', { scope: 'row' }, label), cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', null, c))));
  const f = (field) => vocab.fieldLabel(field);
  const caps = capabilityRows([...vocab.caps.keys()], records);
  const table = h(
    'table',
    { class: 'compare-table', 'data-testid': 'compare-table' },
    h('caption', { class: 'visually-hidden' }, `${records.length} 件の施設の比較`),
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, '項目'), records.map((r) => h('th', { scope: 'col', 'data-id': r.id }, r.name))),
    ),
    h(
      'tbody',
      null,
      row(f('kinds'), records.map((r) => kindBadges(vocab, r.kinds))),
      row(f('address'), records.map((r) => formatAddress(r))),
      row(f('phone'), records.map((r) => (r.phone ? h('a', { href: telHref(r.phone) }, r.phone) : '—'))),
      row(f('accepting_new'), records.map((r) => acceptingBadge(vocab, r) || vocab.acceptingLabel(r.accepting_new || 'unknown'))),
      row(f('service_radius_km'), records.map((r) => reachText(vocab, r))),
      row(point ? `距離（${placeName || '指定した住所'}から）` : '距離', records.map((r) => (point ? distance(r) : '住所を指定すると表示します'))),
      caps.map((c) => row(vocab.capLabel(c.code), c.cells.map(capCell))),
      caps.length ? null : row(f('capabilities'), records.map(() => '情報なし')),
      row(f('wheelchair'), records.map((r) => flagText(r.wheelchair))),
      row(f('pediatric'), records.map((r) => flagText(r.pediatric))),
      row(
        '操作',
        records.map((r) => {
          const b = h('button', { type: 'button', class: 'btn btn-small' }, '比較から外す', h('span', { class: 'visually-hidden' }, `（${r.name}）`));
          b.addEventListener('click', () => onRemove(r.id));
          return b;
        }),
      ),
    ),
  );
  $('compare-body').replaceChildren(
    h('p', { class: 'help' }, '「根拠」は届出・調査など、その機能の情報の出どころです。情報なしは「ない」という意味ではありません。'),
    h('div', { class: 'compare-scroll', tabindex: '0', role: 'region', 'aria-label': '比較表（横にスクロールできます）' }, table),
  );
}
