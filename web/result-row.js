// One row of the result list: number, name, kinds, 新規受入, address, phone, the server's
// explanation, capability badges and distance: everything the map shows, and more.

import { acceptingBadge, bedsBadge, capBadges, kindBadges } from './badges.js';
import { compareButton } from './compare.js';
import { h } from './dom.js';
import { formatAddress, formatDistance, telHref } from './format.js';

/**
 * Row `n` (the same number as its marker); Enter, Space or a click calls `onSelect(id, how)`;
 * its 「比較」 button calls `onCompare(id)`.
 */
export function resultRow(vocab, hit, n, { onSelect, onCompare }) {
  const dist = formatDistance(hit.distance_m);
  const group = vocab.facilityGroup(hit.kinds);
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
        acceptingBadge(vocab, hit), bedsBadge(vocab, hit),
      ),
      h('p', { class: 'hit-address' }, formatAddress(hit), hit.ward_name ? h('span', { class: 'ward' }, `（${hit.ward_name}）`) : null),
      hit.phone
        ? h(
            'p',
            { class: 'hit-phone' },
            `${vocab.fieldLabel('phone')} `,
            h('a', { href: telHref(hit.phone), 'data-testid': 'row-phone' }, hit.phone),
          )
        : null,
      hit.explanation ? h('p', { class: 'hit-explanation', 'data-testid': 'row-explanation' }, hit.explanation) : null,
      capBadges(vocab, hit, 'row-badges'),
      onCompare ? h('div', { class: 'row-tools' }, compareButton(hit.id, hit.name, onCompare)) : null,
    ),
    dist ? h('div', { class: 'hit-distance', 'data-testid': 'row-distance' }, h('span', { class: 'visually-hidden' }, '距離 '), dist) : null,
  );
  li.addEventListener('click', (e) => {
    if (e.target.closest('a, button')) return;
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
