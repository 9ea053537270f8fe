// Unit tests of the area view's state and pure logic (URL, figure links, buckets, the
// thinnest towns, the covers search of a town): `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  areaFromParams,
  areaUrlParams,
  bucketCounts,
  bucketOf,
  BUCKETS,
  emptyArea,
  figure,
  figureHref,
  isAreaView,
  levelsOf,
  thinnestTowns,
  townCoverParams,
  townPoint,
  townRole,
} from '../area-state.js';
import { stateFromParams } from '../state.js';

const town = (ward, name, count, nearest, lon = 135.5, lat = 34.7) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties: { code: 27102, ward, town: name, count, nearest_m: nearest },
});

test('the area URL round-trips level, measure and role, and leaves defaults out', () => {
  const a = { level: 'kihon', measure: 'per75', role: 'home_dental' };
  const url = areaUrlParams(a);
  assert.equal(url.toString(), 'view=area&level=kihon&measure=per75&role=home_dental');
  assert.equal(isAreaView(url), true);
  assert.deepEqual(areaFromParams(url.toString()), a);
  assert.equal(areaUrlParams(emptyArea()).toString(), 'view=area');
  assert.equal(isAreaView('view=team'), false);
});

test('unknown measures and odd values fall back to the defaults', () => {
  assert.deepEqual(areaFromParams('view=area&measure=per100&level=<b>&role=a%20b'), emptyArea());
});

test('the town role is the state one when the server counts it, else the first, else none', () => {
  const list = ['home_visit', 'home_dental'];
  assert.equal(townRole({ role: 'home_dental' }, list), 'home_dental');
  assert.equal(townRole({ role: '' }, list), 'home_visit');
  assert.equal(townRole({ role: 'care_management' }, list), 'home_visit');
  assert.equal(townRole({ role: 'home_visit' }, undefined), '');
});

test('levels in the order of the answer, once each', () => {
  const areas = [{ level: 'ward' }, { level: 'ward' }, { level: 'kihon' }, { level: 'niji' }];
  assert.deepEqual(levelsOf(areas), ['ward', 'kihon', 'niji']);
});

test("a figure links to the search view with the metric's query and the area's place", () => {
  const metric = { code: 'home_visit', query: 'kind=clinic,hospital&cap=home_visit' };
  const area = { place: 'ward=27102' };
  const href = figureHref('/', metric, area);
  assert.equal(href, '/?kind=clinic,hospital&cap=home_visit&ward=27102');
  // The search view reads it back as that list.
  const st = stateFromParams(href.slice(2), { default_limit: 20, max_limit: 500 });
  assert.deepEqual(st.kinds, ['clinic', 'hospital']);
  assert.deepEqual(st.caps, ['home_visit']);
  assert.deepEqual(st.wards, ['27102']);
  assert.equal(figureHref('/', null, { place: 'area=north' }), '/?area=north');
});

test('figures: counts, or rates when the area has a population', () => {
  const a = { counts: [25, 3], per_10k_65: [8.32, 1], per_10k_75: null };
  assert.equal(figure(a, 0, 'count'), 25);
  assert.equal(figure(a, 0, 'per65'), 8.32);
  assert.equal(figure(a, 1, 'per75'), null);
});

test('buckets: 0, 1, 2–4, 5–9, 10 and more; 0 and 1 are the thin ones', () => {
  const cases = [
    [0, 0],
    [1, 1],
    [2, 2],
    [4, 2],
    [5, 3],
    [9, 3],
    [10, 4],
    [668, 4],
    [null, 0],
    [-1, 0],
  ];
  for (const [n, b] of cases) assert.equal(bucketOf(n), b, `count ${n}`);
  assert.deepEqual(
    BUCKETS.map((b) => b.thin),
    [true, true, false, false, false],
  );
  assert.deepEqual(bucketCounts([town('a', 'x', 0, 1), town('a', 'y', 3, 1), town('a', 'z', 3, 1)]), [1, 0, 2, 0, 0]);
});

test('thinnest towns: fewest providers, then the farthest nearest one (none is farthest), then names', () => {
  const list = [
    town('北区', '1丁目', 2, 100),
    town('北区', '2丁目', 0, 3000),
    town('北区', '3丁目', 0, null),
    town('北区', '4丁目', 1, 500),
    town('北区', '5丁目', 0, 3000),
    town('西区', '1丁目', 0, 5000),
  ];
  const order = thinnestTowns(list).map((f) => `${f.properties.ward}${f.properties.town}`);
  assert.deepEqual(order, ['北区3丁目', '西区1丁目', '北区2丁目', '北区5丁目', '北区4丁目', '北区1丁目']);
  assert.equal(thinnestTowns(list, 2).length, 2);
  assert.equal(list[0].properties.town, '1丁目', 'the input is not reordered');
});

test("a town's covers search: its point ([lon, lat] read once), the metric's query, nearest first", () => {
  const f = town('北区', '1丁目', 7, 848, 135.519421, 34.710356);
  assert.deepEqual(townPoint(f), { lat: 34.710356, lon: 135.519421 });
  const p = townCoverParams(f, { query: 'kind=dental_clinic&cap=home_dental' }, 500);
  assert.equal(p.get('kind'), 'dental_clinic');
  assert.equal(p.get('cap'), 'home_dental');
  assert.equal(p.get('covers'), '34.710356,135.519421');
  assert.equal(p.get('sort'), 'distance');
  assert.equal(p.get('limit'), '500');
  assert.equal(townCoverParams(f, { query: 'kind=x' }).has('limit'), false);
});
