// The results column: count (a live region), rows, pager, facet line, notes, errors and
// the print header. Map updates stay in app.js.

import { $, h } from './dom.js';
import { formatCount } from './format.js';
import { resultRow } from './result-row.js';
import { queryKind } from './state.js';

const CONTROL_OF_PARAMETER = {
  text: 'q',
  address: 'q',
  ward: 'ward',
  area: 'area',
  radius_km: 'radius',
  sort: 'sort',
  scene: 'scene',
  limit: 'page-size',
};

/** Shows the server's Japanese message; marks the control it names as invalid. */
export function showError(message, parameter) {
  const el = $('error');
  el.textContent = message;
  el.hidden = false;
  for (const i of document.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const control = $(CONTROL_OF_PARAMETER[parameter] || '');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-errormessage', 'error');
  }
}

export function hideError() {
  $('error').hidden = true;
  $('error').textContent = '';
  for (const i of document.querySelectorAll('[aria-invalid]')) {
    i.removeAttribute('aria-invalid');
    i.removeAttribute('aria-errormessage');
  }
}

export function renderEmpty() {
  $('result-list').replaceChildren();
  $('result-count').textContent = '検索できませんでした';
  $('result-count').dataset.total = '0';
  $('pager').hidden = true;
  $('facet-summary').hidden = true;
  $('query-note').hidden = true;
}

/** Count, rows and pager for a /search response. Returns the number of the first row. */
export function renderResults(res, { vocab, state, onSelect, onCompare }) {
  const hits = res.hits || [];
  const first = (res.offset || 0) + 1;
  const last = (res.offset || 0) + hits.length;
  const count = $('result-count');
  count.dataset.total = String(res.total);
  if (!res.total) {
    count.textContent = '条件に合う施設はありません';
  } else {
    count.textContent = `${formatCount(res.total)} 件見つかりました（${formatCount(first)}〜${formatCount(last)} 件目を表示）`;
  }
  const list = $('result-list');
  list.setAttribute('start', String(first));
  list.replaceChildren(...hits.map((hit, i) => resultRow(vocab, hit, first + i, { onSelect, onCompare })));
  if (!hits.length) {
    list.append(h('li', { class: 'no-hits' }, '条件を減らすか、住所・ことばを変えてお試しください。'));
  }

  const pager = $('pager');
  pager.hidden = res.total <= res.limit && !res.offset;
  $('prev-page').disabled = !res.offset;
  $('next-page').disabled = last >= res.total;
  for (const n of pager.querySelectorAll('.n')) n.textContent = String(res.limit);
  $('page-info').textContent = res.total ? `${formatCount(first)}〜${formatCount(last)} ／ ${formatCount(res.total)} 件` : '';

  const kinds = ((res.facets && res.facets.kind) || []).filter((f) => f.count > 0);
  const fs = $('facet-summary');
  fs.hidden = !kinds.length;
  fs.textContent = kinds.length ? `種別の内訳: ${kinds.map((f) => `${f.label} ${formatCount(f.count)}`).join('・')}` : '';

  $('print-summary').replaceChildren(
    h('p', null, `検索条件: ${describeConditions(state, vocab)}`),
    h('p', null, `${formatCount(res.total)} 件中 ${formatCount(hits.length)} 件 ／ 印刷日 ${new Date().toLocaleDateString('ja-JP')}`),
  );
  return first;
}

/** The visit box's status line for the point the server used (or none yet). */
export function renderVisitStatus(state, circlePoint) {
  const on = state.visit;
  const el = $('visit-point');
  $('visit-box').classList.toggle('active', on);
  $('visit-box').classList.toggle('has-point', !!circlePoint);
  $('visit-clear').hidden = !circlePoint;
  el.hidden = !on;
  if (!on) return;
  if (circlePoint) {
    const g = circlePoint.geocoded;
    el.textContent = g
      ? `患者さんの場所: ${g.normalized || state.q}（${g.level_label || ''}で特定）。ここへ訪問できる施設を近い順に表示しています。`
      : `患者さんの場所: 地図で指定した地点（北緯 ${circlePoint.lat.toFixed(4)}・東経 ${circlePoint.lon.toFixed(4)}）。ここへ訪問できる施設を近い順に表示しています。`;
  } else {
    el.textContent = '場所が未指定です。上の欄に患者さんの住所を入れて検索するか、地図をクリックしてください。';
  }
}

/**
 * How the box was read: words the server corrected (its message, and a link to the words as
 * typed: `asTyped.href` is that search's permalink, `asTyped.run()` runs it in the page), an
 * address (→ where) with a button to read it the other way, or words that found nothing.
 */
export function renderQueryNote(res, state, { retryAs, asTyped }) {
  const note = $('query-note');
  note.replaceChildren();
  const p = res.point;
  const qk = queryKind(state);
  const retry = (mode, label) => {
    const b = h('button', { type: 'button', class: 'btn btn-small linkish' }, label);
    b.addEventListener('click', () => retryAs(mode));
    return b;
  };
  if (res.corrected) {
    const a = h(
      'a',
      { href: asTyped.href, class: 'linkish as-typed', 'data-testid': 'typo-as-typed' },
      `「${state.q.trim()}」で検索する`,
    );
    a.addEventListener('click', (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab or window
      e.preventDefault();
      asTyped.run();
    });
    note.append(h('p', { 'data-testid': 'typo-note' }, res.corrected.message), a);
  }
  if (qk === 'address' && p && p.geocoded) {
    const g = p.geocoded;
    note.append(
      h('p', null, `「${state.q.trim()}」を住所として探しました → ${g.normalized || ''}（${g.level_label || g.level}単位）`),
    );
    if (g.level === 'ward') {
      note.append(h('p', { class: 'warn' }, '町名までは特定できなかったため、区の代表地点からの距離です。'));
    }
    if (state.qm === 'auto') note.append(retry('text', '名称・キーワードとして検索し直す'));
  } else if (qk === 'text' && state.qm === 'auto' && !res.total) {
    note.append(h('p', null, `「${state.q.trim()}」に一致する施設はありません。`), retry('address', '住所・郵便番号として検索し直す'));
  }
  note.hidden = !note.childNodes.length;
}

export function describeConditions(state, vocab) {
  const parts = [];
  const qk = queryKind(state);
  if (qk === 'text') parts.push(`ことば: ${state.q.trim()}`);
  if (qk === 'address') parts.push(`住所: ${state.q.trim()}`);
  if (state.scene) parts.push(`場面: ${vocab.sceneLabel(state.scene)}`);
  if (state.visit) parts.push(state.covers ? 'この地点に訪問できる施設' : 'この住所に訪問できる施設');
  if (state.kinds.length) parts.push(`${vocab.fieldLabel('kinds')}: ${state.kinds.map((k) => vocab.kindLabel(k)).join('・')}`);
  if (state.caps.length) parts.push(`${vocab.fieldLabel('capabilities')}: ${state.caps.map((c) => vocab.capLabel(c)).join('・')}`);
  if (state.wards.length) parts.push(`${vocab.fieldLabel('ward_code')}: ${state.wards.map((w) => vocab.wardName(w)).join('・')}`);
  if (state.area) parts.push(`医療圏: ${vocab.areaLabel(state.area)}`);
  if (state.wheelchair) parts.push(vocab.flagShort('wheelchair'));
  if (state.pediatric) parts.push(vocab.flagShort('pediatric'));
  if (state.accepting_new) parts.push(vocab.acceptingShort('yes'));
  if (state.radius_km) parts.push(`${state.radius_km} km 以内`);
  return parts.length ? parts.join(' ／ ') : '条件なし';
}
