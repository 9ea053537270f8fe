// The phone layout's controls (below 800 px, see style.css): the search form becomes a
// drawer opened by the bottom bar's 「検索条件」 toggle, which shows how many filters are
// on; 「一覧」/「地図」 in the same bar show the list or the map (the thumb reaches the bottom).
// On wider screens the bar is not shown and none of this changes the layout.

import { $ } from './dom.js';

const PHONE = '(max-width: 800px)';

export function isPhone() {
  return window.matchMedia(PHONE).matches;
}

function setOpen(open, { focus = true } = {}) {
  document.body.classList.toggle('drawer-open', open);
  $('drawer-toggle').setAttribute('aria-expanded', String(open));
  if (!focus || !isPhone()) return;
  if (open) $('q').focus();
  else $('drawer-toggle').focus();
}

export function closeDrawer(opts) {
  if (document.body.classList.contains('drawer-open')) setOpen(false, opts);
}

/** Shows the list (`'list'`) or the map (`'map'`) on a phone; `onMap` runs when the map shows. */
export function showPane(pane, onMap) {
  const map = pane === 'map';
  document.body.classList.toggle('phone-map', map);
  $('show-list').setAttribute('aria-pressed', String(!map));
  $('show-map').setAttribute('aria-pressed', String(map));
  if (map) {
    closeDrawer({ focus: false });
    if (onMap) onMap();
  }
}

/** The toggle's count of active filters (none: no number). */
export function setFilterCount(n) {
  $('filter-count').textContent = n ? `（${n} 件）` : '';
}

/** Wires the bar; `onMap` is called after the map is shown (Leaflet must measure it again). */
export function initDrawer({ onMap }) {
  $('drawer-toggle').addEventListener('click', () => {
    setOpen(!document.body.classList.contains('drawer-open'));
    if (document.body.classList.contains('drawer-open')) showPane('list');
  });
  $('drawer-close').addEventListener('click', () => setOpen(false));
  $('search-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('drawer-open')) setOpen(false);
  });
  $('show-list').addEventListener('click', () => showPane('list', onMap));
  $('show-map').addEventListener('click', () => showPane('map', onMap));
}
