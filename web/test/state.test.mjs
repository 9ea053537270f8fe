// Unit tests of the page's URL ⇄ state ⇄ API parameter logic: `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  activeFilterCount,
  apiParams,
  emptyState,
  exportParams,
  looksLikeAddress,
  pageSizes,
  queryKind,
  stateFromParams,
  urlParams,
  withTypedWords,
} from '../state.js';

// The page sizes come from GET /api/v1/config's `page`; these are not the server's numbers
// on purpose, so a size the page still kept of its own would show.
const PAGE = { default_limit: 25, max_limit: 300 };

test('addresses and postal codes are told from names and keywords', () => {
  for (const s of ['大阪市東淀川区', '〒533-0011', '533-0011', '５３３００１１', '東淀川区豊新2丁目5-1', '北区', '大阪府大阪市北区梅田1丁目']) {
    assert.equal(looksLikeAddress(s), true, s);
  }
  for (const s of ['訪問看護', '訪問看護 北区', '大阪市立総合医療センター', 'けやき', '在支診', '', '  ']) {
    assert.equal(looksLikeAddress(s), false, s);
  }
});

test('an explicit choice wins over the guess', () => {
  const st = emptyState(PAGE);
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
  const st = emptyState(PAGE);
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
      ['limit', String(PAGE.default_limit)],
    ]).toString(),
  );
  st.visit = false;
  const p = apiParams(st);
  assert.equal(p.get('address_use'), null);
  assert.equal(p.get('radius_km'), '3');
});

test('a clicked point is sent as covers, with text still a filter', () => {
  const st = emptyState(PAGE);
  st.q = '訪問看護';
  st.visit = true;
  st.covers = { lat: 34.7433001234, lon: 135.5308 };
  const p = apiParams(st);
  assert.equal(p.get('text'), '訪問看護');
  assert.equal(p.get('covers'), '34.7433,135.5308');
  assert.equal(p.get('address'), null);
});

test('the page URL round-trips the whole state', () => {
  const st = emptyState(PAGE);
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
  const back = stateFromParams(urlParams(st, PAGE).toString(), PAGE);
  assert.deepEqual(back, st);
});

test('an empty state has an empty URL and a default page', () => {
  assert.equal(urlParams(emptyState(PAGE), PAGE).toString(), '');
  assert.equal(apiParams(emptyState(PAGE)).toString(), `limit=${PAGE.default_limit}`);
});

test('hand-written permalinks: comma lists, visit flag, bad values ignored', () => {
  const st = stateFromParams('?kind=clinic,visiting_nursing&cap=24h&cap=end_of_life&visit=1&limit=9999&offset=-5&z=x', PAGE);
  assert.deepEqual(st.kinds, ['clinic', 'visiting_nursing']);
  assert.deepEqual(st.caps, ['24h', 'end_of_life']);
  assert.equal(st.visit, true);
  assert.equal(st.limit, PAGE.max_limit, 'a limit above the maximum is the maximum');
  assert.equal(st.offset, 0);
  assert.equal(st.view, null);
  assert.equal(urlParams(st, PAGE).get('visit'), '1');
  const a = stateFromParams('?address=%E5%8C%97%E5%8C%BA&address_use=covers&covers=1,2', PAGE);
  assert.equal(a.q, '北区');
  assert.equal(a.qm, 'auto');
  assert.equal(a.visit, true);
  assert.equal(a.covers, null, 'an address is the point; covers is dropped');
  const t = stateFromParams('?text=%E5%8C%97%E5%8C%BA', PAGE);
  assert.equal(t.qm, 'text', 'text that looks like an address stays text');
  assert.equal(apiParams(t).get('text'), '北区');
});

test('the page size comes from the server: default, a limit in range, none or a bad one', () => {
  assert.equal(emptyState(PAGE).limit, 25);
  assert.equal(stateFromParams('', PAGE).limit, 25);
  assert.equal(stateFromParams('?limit=120', PAGE).limit, 120);
  assert.equal(stateFromParams('?limit=0', PAGE).limit, 25);
  assert.equal(stateFromParams('?limit=abc', PAGE).limit, 25);
  const other = { default_limit: 10, max_limit: 50 };
  assert.equal(stateFromParams('?limit=120', other).limit, 50);
  const st = stateFromParams('?limit=120', PAGE);
  assert.equal(urlParams(st, PAGE).get('limit'), '120');
  assert.equal(urlParams({ ...st, limit: 25 }, PAGE).get('limit'), null, 'the default is not written');
  assert.equal(urlParams({ ...st, limit: 25 }, other).get('limit'), '25', 'another default is written');
});

test('page sizes offered: the default, a tenth and a fifth of the maximum, the maximum', () => {
  assert.deepEqual(pageSizes({ default_limit: 20, max_limit: 500 }), [20, 50, 100, 500]);
  assert.deepEqual(pageSizes(PAGE), [25, 30, 60, 300]);
  assert.deepEqual(pageSizes({ default_limit: 50, max_limit: 500 }), [50, 100, 500], 'deduplicated');
  assert.deepEqual(pageSizes({ default_limit: 200, max_limit: 500 }), [50, 100, 200, 500], 'sorted');
  assert.deepEqual(pageSizes({ default_limit: 5, max_limit: 5 }), [1, 5], 'no zero');
});

test('the scene is a search parameter and comes back from the URL', () => {
  const st = emptyState(PAGE);
  st.scene = 'emergency';
  assert.equal(apiParams(st).get('scene'), 'emergency');
  const back = stateFromParams(urlParams(st, PAGE), PAGE);
  assert.equal(back.scene, 'emergency');
  assert.equal(stateFromParams('', PAGE).scene, '');
});

test('the active filters are counted for the phone drawer', () => {
  const st = emptyState(PAGE);
  assert.equal(activeFilterCount(st), 0);
  st.q = '訪問看護'; // the search words are not a filter
  assert.equal(activeFilterCount(st), 0);
  st.kinds = ['clinic', 'hospital'];
  st.caps = ['24h'];
  st.scene = 'emergency';
  st.wards = ['27127'];
  st.pediatric = true;
  st.visit = true;
  assert.equal(activeFilterCount(st), 7);
});

test('typo=false: written only when off, next to the text, and read back', () => {
  const st = emptyState(PAGE);
  assert.equal(st.typo, true);
  st.q = 'クリニツク';
  assert.equal(apiParams(st).get('typo'), null, 'on is the default and not written');
  assert.equal(urlParams(st, PAGE).toString(), `text=${encodeURIComponent('クリニツク')}`);
  st.typo = false;
  st.kinds = ['clinic'];
  assert.equal(
    apiParams(st).toString(),
    new URLSearchParams([
      ['text', 'クリニツク'],
      ['typo', 'false'],
      ['kind', 'clinic'],
      ['limit', String(PAGE.default_limit)],
    ]).toString(),
  );
  const url = urlParams(st, PAGE);
  assert.equal(url.get('typo'), 'false');
  const back = stateFromParams(url.toString(), PAGE);
  assert.deepEqual(back, st);
  assert.equal(apiParams(back).toString(), apiParams(st).toString());
  assert.equal(stateFromParams('?text=x&typo=0', PAGE).typo, false, 'the server reads 0 as false too');
  assert.equal(stateFromParams('?text=x&typo=true', PAGE).typo, true);
  assert.equal(stateFromParams('?text=x&typo=nonsense', PAGE).typo, true);
  // Without words there is nothing to correct: an address or an empty box never sends it.
  const address = { ...st, q: '大阪市北区' };
  assert.equal(apiParams(address).get('typo'), null);
  assert.equal(apiParams({ ...st, q: ' ' }).get('typo'), null);
});

test('new words are corrected again; filters over the same words keep typo=false', () => {
  const shown = { ...emptyState(PAGE), q: 'クリニツク', typo: false };
  const filtered = withTypedWords(shown, { ...shown, kinds: ['clinic'] });
  assert.equal(filtered.typo, false);
  assert.equal(withTypedWords(shown, { ...shown, q: ' クリニツク ' }).typo, false, 'spaces are not words');
  const typed = withTypedWords(shown, { ...shown, q: '訪門看護' });
  assert.equal(typed.typo, true);
  assert.equal(apiParams(typed).get('typo'), null);
  assert.equal(withTypedWords(shown, { ...shown, q: '' }).typo, true);
  assert.equal(shown.typo, false, 'the shown state is not changed');
});

test('downloads search the text the server corrected to, without paging', () => {
  const st = { ...emptyState(PAGE), q: 'クリニツク', kinds: ['clinic'], offset: 40 };
  const corrected = {
    corrected: {
      text: 'クリニック',
      words: [{ from: 'クリニツク', to: 'クリニック' }],
      message: 'クリニツク → クリニック で検索しました',
    },
  };
  const p = exportParams(st, corrected);
  assert.equal(p.toString(), new URLSearchParams([['text', 'クリニック'], ['kind', 'clinic']]).toString());
  assert.equal(exportParams(st, { total: 0 }).get('text'), 'クリニツク', 'an answer not corrected: the text as typed');
  assert.equal(exportParams({ ...st, typo: false }, { total: 0 }).get('typo'), 'false');
  assert.equal(exportParams(st, null).get('limit'), null);
});
