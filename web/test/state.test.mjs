// Unit tests of the page's URL ⇄ state ⇄ API parameter logic: `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  apiParams,
  DEFAULT_LIMIT,
  emptyState,
  looksLikeAddress,
  queryKind,
  stateFromParams,
  urlParams,
} from '../state.js';

test('addresses and postal codes are told from names and keywords', () => {
  for (const s of ['大阪市東淀川区', '〒533-0011', '533-0011', '５３３００１１', '東淀川区豊新2丁目5-1', '北区', '大阪府大阪市北区梅田1丁目']) {
    assert.equal(looksLikeAddress(s), true, s);
  }
  for (const s of ['訪問看護', '訪問看護 北区', '大阪市立総合医療センター', 'けやき', '在支診', '', '  ']) {
    assert.equal(looksLikeAddress(s), false, s);
  }
});

test('an explicit choice wins over the guess', () => {
  const st = emptyState();
  st.q = '北区';
  assert.equal(queryKind(st), 'address');
  st.qm = 'text';
  assert.equal(queryKind(st), 'text');
  st.q = 'けやき';
  st.qm = 'address';
  assert.equal(queryKind(st), 'address');
  st.q = '   ';
  assert.equal(queryKind(st), null);
});

test('visit mode sends the address as the point to cover', () => {
  const st = emptyState();
  st.q = '大阪市東淀川区';
  st.visit = true;
  st.kinds = ['visiting_nursing', 'clinic'];
  st.radius_km = '3';
  assert.equal(
    apiParams(st).toString(),
    new URLSearchParams([
      ['address', '大阪市東淀川区'],
      ['address_use', 'covers'],
      ['kind', 'visiting_nursing'],
      ['kind', 'clinic'],
      ['limit', String(DEFAULT_LIMIT)],
    ]).toString(),
  );
  st.visit = false;
  const p = apiParams(st);
  assert.equal(p.get('address_use'), null);
  assert.equal(p.get('radius_km'), '3');
});

test('a clicked point is sent as covers, with text still a filter', () => {
  const st = emptyState();
  st.q = '訪問看護';
  st.visit = true;
  st.covers = { lat: 34.7433001234, lon: 135.5308 };
  const p = apiParams(st);
  assert.equal(p.get('text'), '訪問看護');
  assert.equal(p.get('covers'), '34.7433,135.5308');
  assert.equal(p.get('address'), null);
});

test('the page URL round-trips the whole state', () => {
  const st = emptyState();
  st.q = 'けやき';
  st.qm = 'text';
  st.kinds = ['visiting_nursing'];
  st.caps = ['24h', 'end_of_life'];
  st.wheelchair = true;
  st.pediatric = true;
  st.accepting_new = true;
  st.wards = ['27114'];
  st.area = 'north';
  st.visit = true;
  st.covers = { lat: 34.74, lon: 135.53 };
  st.sort = 'distance';
  st.limit = 50;
  st.offset = 100;
  st.sel = 'DEMO-N03602';
  st.view = { z: 14, lat: 34.741234, lon: 135.531234 };
  const back = stateFromParams(urlParams(st).toString());
  assert.deepEqual(back, st);
});

test('an empty state has an empty URL and a default page', () => {
  assert.equal(urlParams(emptyState()).toString(), '');
  assert.equal(apiParams(emptyState()).toString(), `limit=${DEFAULT_LIMIT}`);
});

test('hand-written permalinks: comma lists, visit flag, bad values ignored', () => {
  const st = stateFromParams('?kind=clinic,visiting_nursing&cap=24h&cap=end_of_life&visit=1&limit=9999&offset=-5&z=x');
  assert.deepEqual(st.kinds, ['clinic', 'visiting_nursing']);
  assert.deepEqual(st.caps, ['24h', 'end_of_life']);
  assert.equal(st.visit, true);
  assert.equal(st.limit, 500);
  assert.equal(st.offset, 0);
  assert.equal(st.view, null);
  assert.equal(urlParams(st).get('visit'), '1');
  const a = stateFromParams('?address=%E5%8C%97%E5%8C%BA&address_use=covers&covers=1,2');
  assert.equal(a.q, '北区');
  assert.equal(a.qm, 'auto');
  assert.equal(a.visit, true);
  assert.equal(a.covers, null, 'an address is the point; covers is dropped');
  const t = stateFromParams('?text=%E5%8C%97%E5%8C%BA');
  assert.equal(t.qm, 'text', 'text that looks like an address stays text');
  assert.equal(apiParams(t).get('text'), '北区');
});
