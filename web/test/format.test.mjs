// Unit tests of format.js (distances, postal codes, dates, counts, tel: links, escaping):
// `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  formatMonthDay,
  escapeHtml,
  formatAddress,
  formatCount,
  formatDate,
  formatDistance,
  formatPostal,
  telHref,
} from '../format.js';

test('distances: metres below 1 km, one decimal below 10 km, whole km above', () => {
  assert.equal(formatDistance(0), '0 m');
  assert.equal(formatDistance(849.6), '850 m');
  assert.equal(formatDistance(999.4), '999 m');
  assert.equal(formatDistance(1000), '1.0 km');
  assert.equal(formatDistance(2449), '2.4 km');
  assert.equal(formatDistance(9949), '9.9 km');
  assert.equal(formatDistance(10000), '10 km');
  assert.equal(formatDistance(15600), '16 km');
  for (const none of [null, undefined, NaN, Infinity]) assert.equal(formatDistance(none), '', String(none));
});

test('postal codes get a 〒 and a hyphen', () => {
  assert.equal(formatPostal('5300001'), '〒530-0001');
  assert.equal(formatPostal('530-0001'), '〒530-0001');
  assert.equal(formatPostal(5330011), '〒533-0011');
  assert.equal(formatPostal('53000'), '〒53000', 'not seven digits: as given');
  assert.equal(formatPostal(''), '');
  assert.equal(formatPostal(null), '');
});

test('dates in Japanese, without leading zeros', () => {
  assert.equal(formatDate('2024-04-01'), '2024年4月1日');
  assert.equal(formatDate('2023-12-25T10:00:00Z'), '2023年12月25日');
  assert.equal(formatDate('令和6年'), '令和6年', 'not ISO: as given');
  assert.equal(formatDate(''), '');
  assert.equal(formatDate(null), '');
});

test('counts with digit grouping', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(5810), '5,810');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(undefined), '0');
});

test('an address line: postal code, then the address', () => {
  assert.equal(formatAddress({ postal_code: '5330011', address: '大阪市東淀川区豊新2丁目5-1' }), '〒533-0011 大阪市東淀川区豊新2丁目5-1');
  assert.equal(formatAddress({ address: '大阪市北区' }), '大阪市北区');
  assert.equal(formatAddress({}), '');
});

test('tel: links keep digits, + and -', () => {
  assert.equal(telHref('06-1234-5678'), 'tel:06-1234-5678');
  assert.equal(telHref('06-1234-5678（代表）'), 'tel:06-1234-5678');
  assert.equal(telHref('+81 6 1234 5678'), 'tel:+81612345678');
});

test('plain text is escaped for HTML', () => {
  assert.equal(escapeHtml('地理院タイル'), '地理院タイル');
  assert.equal(
    escapeHtml(`<a href="x" onclick='y'>A & B</a>`),
    '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;A &#38; B&#60;/a&#62;',
  );
  assert.equal(escapeHtml(null), '');
  assert.equal(escapeHtml(undefined), '');
});

test('a status date reads as month/day', () => {
  assert.equal(formatMonthDay('2026-11-20'), '11/20');
  assert.equal(formatMonthDay('2026-08-01'), '8/1');
  assert.equal(formatMonthDay(''), '');
  assert.equal(formatMonthDay(null), '');
  assert.equal(formatMonthDay('11/20'), '');
});
