// Unit tests of the compare list (its limit and URL) and the compare table's rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { COMPARE_MAX, addCompare, capabilityRows, compareFromParams, distanceM, removeCompare } from '../compare-state.js';

test('four fit; a fifth is refused with a message and the list unchanged', () => {
  assert.equal(COMPARE_MAX, 4);
  let list = [];
  for (const id of ['a', 'b', 'c', 'd']) {
    const r = addCompare(list, id);
    assert.equal(r.refused, null);
    list = r.list;
  }
  const fifth = addCompare(list, 'e');
  assert.deepEqual(fifth.list, ['a', 'b', 'c', 'd']);
  assert.match(fifth.refused, /4 件まで/);
  // One already there is not a fifth.
  assert.equal(addCompare(list, 'b').refused, null);
  assert.deepEqual(removeCompare(list, 'b'), ['a', 'c', 'd']);
  assert.deepEqual(addCompare(removeCompare(list, 'b'), 'e').list, ['a', 'c', 'd', 'e']);
});

test('the URL holds at most four, once each', () => {
  assert.deepEqual(compareFromParams('cmp=a,b,a&cmp=c,d,e'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(compareFromParams(''), []);
});

test('distance is the great-circle distance', () => {
  // 梅田 → 難波, about 4.1 km.
  const d = distanceM({ lat: 34.7025, lon: 135.4959 }, { lat: 34.6659, lon: 135.5013 });
  assert.ok(d > 4000 && d < 4200, String(d));
  assert.equal(distanceM({ lat: 34, lon: 135 }, { lat: 34, lon: 135 }), 0);
});

test('capability rows: vocabulary order, sources, and unknown kept apart from no', () => {
  const a = {
    capabilities: ['24h', 'home_visit'],
    capability_claims: [{ capability: '24h', value: true, source: '届出', filing: '支援診３', as_of: '2026-10-01' }],
    sources: [{ source: '調査', fields: ['capabilities'] }, { source: 'オープンデータ', fields: ['address'] }],
  };
  const b = {
    capabilities: [],
    capability_claims: [{ capability: 'home_visit', value: false, source: '区の調査' }],
    sources: [{ source: 'オープンデータ' }],
  };
  const rows = capabilityRows(['home_visit', 'house_call', '24h'], [a, b]);
  assert.deepEqual(rows.map((r) => r.code), ['home_visit', '24h']);
  assert.deepEqual(rows[0].cells, [
    { has: true, source: '調査' },
    { has: false, source: '区の調査' },
  ]);
  assert.deepEqual(rows[1].cells, [
    { has: true, source: '届出 支援診３ （2026-10-01 現在）' },
    { has: null, source: '' },
  ]);
});
