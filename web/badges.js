// The small labels shared by result rows and the detail panel: kinds (coloured by the
// server's group), capabilities with the 車いす/小児 flags, and the 新規受入 status.

import { h } from './dom.js';
import { formatMonthDay } from './format.js';

export function kindBadges(vocab, kinds) {
  return h(
    'ul',
    { class: 'badges kind-badges', 'aria-label': vocab.fieldLabel('kinds') },
    (kinds || []).map((k) => h('li', { class: `badge kind group-${vocab.kindGroup(k)}` }, vocab.kindLabel(k))),
  );
}

/** Capability badges (short names, the full name as a tooltip) and the flags a facility has; null when none. */
export function capBadges(vocab, hit, testid) {
  const items = (hit.capabilities || []).map((c) =>
    h('li', { class: 'badge cap', title: vocab.capLabel(c) }, vocab.capShort(c)),
  );
  for (const code of vocab.flags.keys()) {
    if (hit[code] === true) {
      items.push(h('li', { class: 'badge cap extra', title: vocab.flagLabel(code) }, vocab.flagShort(code)));
    }
  }
  if (!items.length) return null;
  return h('ul', { class: 'badges cap-badges', 'aria-label': vocab.fieldLabel('capabilities'), 'data-testid': testid }, items);
}

/**
 * The 新規受入 status as a badge with its age: 「受入可（11/20 確認）」, or after its end
 * 「要確認（最終確認 8/1）」 (the server says when it has ended). None when never known.
 */
export function acceptingBadge(vocab, hit) {
  const code = hit.accepting_new;
  const day = formatMonthDay(hit.updated_at);
  if (hit.accepting_expired) {
    const last = day ? `（最終確認 ${day}）` : '';
    return h('span', { class: 'accepting accepting-unknown accepting-expired', 'data-testid': 'accepting' },
      `${vocab.acceptingShort('unknown')}${last}`);
  }
  if (!code || code === 'unknown') return null;
  const when = day ? `（${day} 確認）` : '';
  return h('span', { class: `accepting accepting-${code}`, 'data-testid': 'accepting' }, `${vocab.acceptingShort(code)}${when}`);
}

/**
 * The 後方病床 status (backup beds) with its date: 「後方病床 空床あり（11/20 確認）」, or after
 * its end 「後方病床 要確認（最終確認 11/20）」. None when the facility has no such status.
 */
export function bedsBadge(vocab, hit) {
  const b = hit.backup_beds;
  if (!b) return null;
  const day = formatMonthDay(b.confirmed);
  const text = hit.backup_beds_expired
    ? `${vocab.acceptingShort('unknown')}（最終確認 ${day}）`
    : `${b.value}（${day} 確認）`;
  return h('span', { class: `accepting beds${hit.backup_beds_expired ? ' accepting-expired' : ''}`, 'data-testid': 'beds' },
    `${vocab.fieldLabel('backup_beds')} ${text}`);
}
