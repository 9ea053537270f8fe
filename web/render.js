// Turning API objects into DOM: result rows, the detail panel, labels from /vocabulary.
// Built with createElement (never innerHTML with data), so names and notes cannot inject markup.

/** Small element builder: h('p', {class: 'x'}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Lookup tables over /api/v1/vocabulary. */
export class Vocab {
  constructor(v) {
    this.raw = v;
    this.kinds = new Map((v.kinds || []).map((k) => [k.code, k]));
    this.caps = new Map((v.capabilities || []).map((c) => [c.code, c]));
    // Wards and undivided 市町村, and designated cities as a whole (27100 大阪市).
    this.wards = new Map(
      [...(v.municipalities || []), ...(v.wards || [])].map((w) => [String(w.code), w]),
    );
    this.areas = new Map(
      [...(v.kihon_areas || []), ...(v.niji_areas || [])].map((a) => [a.code, a]),
    );
    this.accepting = new Map((v.accepting || []).map((a) => [a.code, a]));
    this.legalRadiusKm = Number(v.legal_radius_km) || 16;
  }
  kindLabel(code) {
    const k = this.kinds.get(code);
    return k ? k.label : code;
  }
  kindShort(code) {
    const k = this.kinds.get(code);
    return k ? k.short || k.label : code;
  }
  capLabel(code) {
    const c = this.caps.get(code);
    return c ? c.label : code;
  }
  capShort(code) {
    const c = this.caps.get(code);
    return c ? c.short || c.label : code;
  }
  wardName(code) {
    const w = this.wards.get(String(code));
    return w ? w.name : String(code);
  }
  acceptingLabel(code) {
    const a = this.accepting.get(code);
    if (a) return a.label;
    return { yes: '新規受入可', no: '新規受入不可', unknown: '受入状況は不明' }[code] || code;
  }
}

const GROUPS = {
  hospital: 'medical',
  clinic: 'medical',
  dental_clinic: 'dental',
  pharmacy: 'pharmacy',
  visiting_nursing: 'nursing',
  care_management: 'care',
  community_care_center: 'care',
  home_care_support_office: 'care',
};

/** A colour group for a facility's markers and number badges. */
export function kindGroup(kinds) {
  for (const k of kinds || []) if (GROUPS[k]) return GROUPS[k];
  return 'other';
}

export function formatDistance(m) {
  if (m === null || m === undefined || !Number.isFinite(m)) return '';
  if (m < 1000) return `${Math.round(m)} m`;
  if (m < 10000) return `${(m / 1000).toFixed(1)} km`;
  return `${Math.round(m / 1000)} km`;
}

export function formatPostal(p) {
  if (!p) return '';
  const d = String(p).replace(/\D/g, '');
  return d.length === 7 ? `〒${d.slice(0, 3)}-${d.slice(3)}` : `〒${p}`;
}

export function formatDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return s || '';
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

export function formatCount(n) {
  return Number(n || 0).toLocaleString('ja-JP');
}

function telHref(phone) {
  return `tel:${String(phone).replace(/[^\d+\-]/g, '')}`;
}

const FIELD_LABELS = {
  location: '位置',
  name: '名称',
  name_kana: 'よみ',
  kinds: '種別',
  address: '住所',
  postal_code: '郵便番号',
  phone: '電話',
  fax: 'FAX',
  url: 'ウェブサイト',
  capabilities: '機能',
  wheelchair: '車いす',
  pediatric: '小児',
  service_radius_km: '訪問範囲',
  service_wards: '対応地域',
  departments: '診療科',
  notes: '備考',
  accepting_new: '新規受入',
  ward_code: '区',
};

function kindBadges(vocab, kinds) {
  return h(
    'ul',
    { class: 'badges kind-badges', 'aria-label': '種別' },
    (kinds || []).map((k) => h('li', { class: `badge kind group-${GROUPS[k] || 'other'}` }, vocab.kindLabel(k))),
  );
}

function capBadges(vocab, hit, testid) {
  const items = (hit.capabilities || []).map((c) =>
    h('li', { class: 'badge cap', title: vocab.capLabel(c) }, vocab.capShort(c)),
  );
  if (hit.wheelchair === true) items.push(h('li', { class: 'badge cap extra' }, '車いす対応'));
  if (hit.pediatric === true) items.push(h('li', { class: 'badge cap extra' }, '小児対応'));
  if (!items.length) return null;
  return h('ul', { class: 'badges cap-badges', 'aria-label': '機能', 'data-testid': testid }, items);
}

function acceptingBadge(vocab, code) {
  if (!code || code === 'unknown') return null;
  return h('span', { class: `accepting accepting-${code}` }, vocab.acceptingLabel(code));
}

function addressLine(hit) {
  const parts = [];
  if (hit.postal_code) parts.push(formatPostal(hit.postal_code));
  parts.push(hit.address || '');
  return parts.join(' ');
}

/** One result row: everything the map shows, and more. */
export function resultRow(vocab, hit, n, { onSelect }) {
  const dist = formatDistance(hit.distance_m);
  const group = kindGroup(hit.kinds);
  const li = h(
    'li',
    {
      class: 'hit',
      tabindex: '0',
      'data-id': hit.id,
      'data-kinds': (hit.kinds || []).join(' '),
      'data-testid': 'result-row',
      'aria-labelledby': `hit-name-${n}`,
    },
    h('div', { class: `hit-num group-${group}`, 'aria-hidden': 'true' }, String(n)),
    h(
      'div',
      { class: 'hit-main' },
      h(
        'h3',
        { class: 'hit-name', id: `hit-name-${n}` },
        h('span', { class: 'visually-hidden' }, `${n}. `),
        hit.name,
      ),
      h(
        'div',
        { class: 'hit-meta' },
        kindBadges(vocab, hit.kinds),
        acceptingBadge(vocab, hit.accepting_new),
      ),
      h('p', { class: 'hit-address' }, addressLine(hit), hit.ward_name ? h('span', { class: 'ward' }, `（${hit.ward_name}）`) : null),
      hit.phone
        ? h('p', { class: 'hit-phone' }, '電話 ', h('a', { href: telHref(hit.phone), 'data-testid': 'row-phone' }, hit.phone))
        : null,
      hit.explanation ? h('p', { class: 'hit-explanation', 'data-testid': 'row-explanation' }, hit.explanation) : null,
      capBadges(vocab, hit, 'row-badges'),
    ),
    dist ? h('div', { class: 'hit-distance', 'data-testid': 'row-distance' }, h('span', { class: 'visually-hidden' }, '距離 '), dist) : null,
  );
  li.addEventListener('click', (e) => {
    if (e.target.closest('a')) return;
    onSelect(hit.id, { from: 'list' });
  });
  li.addEventListener('keydown', (e) => {
    if (e.target !== li) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(hit.id, { from: 'list', focusDetail: true });
    }
  });
  return li;
}

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

/** The detail panel's body for a facility (a hit, with distance when it came from a search). */
export function detailBody(vocab, hit, { onNearby } = {}) {
  const radius =
    hit.service_radius_km !== null && hit.service_radius_km !== undefined ? `半径 ${hit.service_radius_km} km` : '';
  const wards = (hit.service_wards || []).map((w) => vocab.wardName(w)).join('、');
  const reach = [radius, wards ? `対応地域: ${wards}` : ''].filter(Boolean).join(' / ');
  const sources = (hit.sources || []).map((s) => {
    const fields = (s.fields || []).map((f) => FIELD_LABELS[f] || f);
    return h('li', null, s.source || '', fields.length ? `（${fields.join('・')}）` : '');
  });
  const body = h(
    'div',
    null,
    h('div', { class: 'detail-kinds' }, kindBadges(vocab, hit.kinds), acceptingBadge(vocab, hit.accepting_new)),
    hit.name_kana ? h('p', { class: 'kana' }, hit.name_kana) : null,
    h(
      'dl',
      { class: 'detail-list' },
      row('住所', addressLine(hit), hit.ward_name ? `（${hit.ward_name}）` : ''),
      row('電話', hit.phone ? h('a', { href: telHref(hit.phone), 'data-testid': 'detail-phone' }, hit.phone) : ''),
      row('FAX', hit.fax || ''),
      row(
        'ウェブサイト',
        hit.url && /^https?:\/\//.test(hit.url)
          ? h('a', { href: hit.url, rel: 'noopener noreferrer', target: '_blank' }, hit.url, h('span', { class: 'visually-hidden' }, '（新しいタブで開きます）'))
          : '',
      ),
      row('距離', formatDistance(hit.distance_m)),
      row('訪問について', hit.explanation || ''),
      row('機能', capBadges(vocab, hit, 'detail-badges') || '情報なし（届出・調査に記載がありません）'),
      row(
        '機能の根拠',
        (hit.capability_claims || []).length
          ? h('ul', { class: 'claims', 'data-testid': 'detail-claims' }, claimItems(vocab, hit.capability_claims))
          : '',
      ),
      row('車いす', yesNo(hit.wheelchair, '対応', '非対応')),
      row('小児', yesNo(hit.pediatric, '対応', '非対応')),
      row('新規受入', vocab.acceptingLabel(hit.accepting_new || 'unknown')),
      row('訪問範囲', reach),
      row('診療科', (hit.departments || []).join('、')),
      row('備考', hit.notes || ''),
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
