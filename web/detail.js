// The detail panel's body for one facility: every field with the server's field names,
// where each capability comes from, the sources, and a button for the facilities nearby.

import { acceptingBadge, bedsBadge, capBadges, kindBadges } from './badges.js';
import { h } from './dom.js';
import { formatAddress, formatDate, formatDistance, telHref } from './format.js';

function row(label, ...value) {
  if (!value.length || value.every((v) => v === null || v === undefined || v === '')) return null;
  return [h('dt', null, label), h('dd', null, ...value)];
}

function yesNo(v, yes, no) {
  if (v === true) return yes;
  if (v === false) return no;
  return '不明';
}

/**
 * Where each capability value comes from: the 届出 (symbol, 算定開始, the list's date) or
 * the survey. A capability no source mentions is unknown, never shown as "no".
 */
export function claimItems(vocab, claims) {
  return (claims || []).map((c) => {
    const parts = [c.source || ''];
    if (c.filing) parts.push(c.implied ? `${c.filing}の要件` : c.filing);
    if (c.receipt && !c.implied) parts.push(c.receipt);
    if (c.since) parts.push(`${formatDate(c.since)} 算定開始`);
    if (c.as_of) parts.push(`（${formatDate(c.as_of)} 現在）`);
    return h(
      'li',
      { class: c.value ? 'claim claim-yes' : 'claim claim-no' },
      h('span', { class: 'claim-cap' }, vocab.capLabel(c.capability), c.value ? '' : ' なし'),
      ' — ',
      parts.join(' '),
    );
  });
}

/**
 * The detail panel's body for a facility (a hit, with distance when it came from a search).
 * `onNearby(hit, list, button)` fills the list of facilities nearby when the button is pressed.
 */
export function detailBody(vocab, hit, { onNearby } = {}) {
  const f = (field) => vocab.fieldLabel(field);
  const radius =
    hit.service_radius_km !== null && hit.service_radius_km !== undefined ? `半径 ${hit.service_radius_km} km` : '';
  const wards = (hit.service_wards || []).map((w) => vocab.wardName(w)).join('、');
  const reach = [radius, wards ? `${f('service_wards')}: ${wards}` : ''].filter(Boolean).join(' / ');
  const sources = (hit.sources || []).map((s) => {
    const fields = (s.fields || []).map(f);
    return h('li', null, s.source || '', fields.length ? `（${fields.join('・')}）` : '');
  });
  const body = h(
    'div',
    null,
    h('div', { class: 'detail-kinds' }, kindBadges(vocab, hit.kinds), acceptingBadge(vocab, hit), bedsBadge(vocab, hit)),
    hit.name_kana ? h('p', { class: 'kana' }, hit.name_kana) : null,
    h(
      'dl',
      { class: 'detail-list' },
      row(f('address'), formatAddress(hit), hit.ward_name ? `（${hit.ward_name}）` : ''),
      row(f('phone'), hit.phone ? h('a', { href: telHref(hit.phone), 'data-testid': 'detail-phone' }, hit.phone) : ''),
      row(f('fax'), hit.fax || ''),
      row(
        f('url'),
        hit.url && /^https?:\/\//.test(hit.url)
          ? h('a', { href: hit.url, rel: 'noopener noreferrer', target: '_blank' }, hit.url, h('span', { class: 'visually-hidden' }, '（新しいタブで開きます）'))
          : '',
      ),
      row('距離', formatDistance(hit.distance_m)),
      row('訪問について', hit.explanation || ''),
      row(f('capabilities'), capBadges(vocab, hit, 'detail-badges') || '情報なし（届出・調査に記載がありません）'),
      row(
        `${f('capabilities')}の根拠`,
        (hit.capability_claims || []).length
          ? h('ul', { class: 'claims', 'data-testid': 'detail-claims' }, claimItems(vocab, hit.capability_claims))
          : '',
      ),
      row(f('wheelchair'), yesNo(hit.wheelchair, '対応', '非対応')),
      row(f('pediatric'), yesNo(hit.pediatric, '対応', '非対応')),
      row(f('accepting_new'), vocab.acceptingLabel(hit.accepting_new || 'unknown')),
      row(f('service_radius_km'), reach),
      row(f('departments'), (hit.departments || []).join('、')),
      row(f('notes'), hit.notes || ''),
      row('最終更新', h('span', { 'data-testid': 'detail-updated' }, hit.updated_at ? formatDate(hit.updated_at) : '不明')),
      row('情報源', sources.length ? h('ul', { class: 'sources', 'data-testid': 'detail-sources' }, sources) : ''),
      row('施設ID', hit.id),
    ),
  );
  if (onNearby) {
    const list = h('ul', { class: 'nearby-list' });
    const btn = h('button', { type: 'button', class: 'btn btn-small' }, 'この施設の近くの施設を見る');
    btn.addEventListener('click', () => onNearby(hit, list, btn));
    body.append(h('section', { class: 'nearby', 'aria-label': '近くの施設' }, btn, list));
  }
  return body;
}
