// The compare panel's control: the list kept in the store (`compare`, four at most), the
// 「比較」 toggles, the bar and the panel, which follows the list while open. Drawing is
// compare.js's; the records come from the current results, the team, or the API.

import { addCompare, removeCompare } from './compare-state.js';
import { compareMessage, renderCompare, renderCompareBar, syncCompareButtons } from './compare.js';
import { $ } from './dom.js';
import { withRecord } from './records.js';

/**
 * @param {object} deps store (the page's store), team (createTeamView's view: its
 *   members), records (createRecords: whole records), writeUrl(history),
 *   remember(records), hideDetail()
 */
export function createCompareView({ store, team, records, writeUrl, remember, hideDetail }) {
  const get = () => store.get();

  function toggle(id) {
    const list = get().compare;
    if (list.includes(id)) {
      store.update({ compare: removeCompare(list, id) });
      compareMessage('');
    } else {
      const r = addCompare(list, id);
      compareMessage(r.refused || '');
      store.update({ compare: r.list });
    }
    writeUrl('replace');
  }

  /** A facility's whole record, best with its distance from the point searched now. */
  async function recordFor(id) {
    const { result, known } = get();
    const hit = ((result && result.hits) || []).find((x) => x.id === id);
    // Team answers carry whole records; searches carry the list view.
    const m = get().mode === 'team' && team.members().get(id);
    if (m) return m.facility;
    const rec = await records.get(id);
    if (hit && get().mode === 'search') return withRecord(rec, hit);
    if (known.has(id)) return withRecord(rec, known.get(id));
    remember([rec]);
    return withRecord(rec, null);
  }

  async function open() {
    const ids = get().compare;
    let records;
    try {
      records = await Promise.all(ids.map(recordFor));
    } catch (e) {
      compareMessage(e.message);
      return;
    }
    const { mode, teamResult, result } = get();
    // The area view has no searched point: no distances there.
    const point = mode === 'team' ? teamResult && teamResult.point : mode === 'search' ? result && result.point : null;
    const g = point && point.geocoded;
    const placeName = mode === 'team' ? '患者さんの住所' : g ? g.normalized : '検索した地点';
    renderCompare(get().vocab, records, { point: point || null, placeName, onRemove: toggle });
    if ($('compare').hidden) {
      hideDetail();
      $('compare').hidden = false;
      document.body.classList.add('detail-open');
      $('compare').focus();
    }
  }

  function close() {
    $('compare').hidden = true;
    if ($('detail').hidden) document.body.classList.remove('detail-open');
    if (!$('compare-bar').hidden) $('compare-open').focus();
  }

  function bind() {
    // The buttons, bar and open panel follow the list.
    store.subscribe((s, prev) => {
      if (s.compare === prev.compare) return;
      syncCompareButtons(s.compare);
      renderCompareBar(s.compare);
      if (!$('compare').hidden) {
        if (s.compare.length) open();
        else close();
      }
    });
    $('compare-open').addEventListener('click', () => open());
    $('compare-clear').addEventListener('click', () => {
      store.update({ compare: [] });
      compareMessage('');
      writeUrl('replace');
    });
    $('compare-close').addEventListener('click', () => close());
    $('compare').addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
  }

  return { bind, toggle, open, close };
}
