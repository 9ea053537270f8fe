// Unit tests of vocab.js, the lookups over /api/v1/vocabulary: `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Vocab } from '../vocab.js';

// The shape of GET /api/v1/vocabulary, cut down (labels as the server words them).
const RAW = {
  kinds: [
    { code: 'clinic', label: '診療所', short: '診療所', group: 'medical' },
    { code: 'visiting_nursing', label: '訪問看護ステーション', short: '訪問看護', group: 'nursing' },
    { code: 'new_kind', label: '新しい種別', short: '' },
  ],
  capabilities: [{ code: '24h', label: '24時間対応', short: '24h' }],
  wards: [{ code: 27114, name: '東淀川区', city: 27100, kihon: 'north' }],
  municipalities: [{ code: 27100, name: '大阪市' }],
  kihon_areas: [{ code: 'north', label: '北部', members: [27114] }],
  niji_areas: [{ code: 'osaka_city', label: '大阪市', members: [27100] }],
  accepting: [
    { code: 'yes', label: '新規受入可', short: '新規受入可' },
    { code: 'no', label: '新規受入停止中', short: '新規受入停止中' },
    { code: 'unknown', label: '新規受入は要確認', short: '新規受入は要確認' },
  ],
  flags: [
    { code: 'wheelchair', label: '車いすで利用可', short: '車いす対応' },
    { code: 'pediatric', label: '小児の受け入れ可', short: '小児対応' },
  ],
  field_labels: [
    { field: 'phone', label: '電話' },
    { field: 'ward_code', label: '市区町村' },
  ],
  legal_radius_km: 16.0,
};

test('labels and short labels come from the vocabulary; unknown codes show as themselves', () => {
  const v = new Vocab(RAW);
  assert.equal(v.kindLabel('visiting_nursing'), '訪問看護ステーション');
  assert.equal(v.kindShort('visiting_nursing'), '訪問看護');
  assert.equal(v.kindShort('new_kind'), '新しい種別', 'no short: the label');
  assert.equal(v.kindLabel('nope'), 'nope');
  assert.equal(v.capShort('24h'), '24h');
  assert.equal(v.capLabel('24h'), '24時間対応');
  assert.equal(v.wardName(27114), '東淀川区');
  assert.equal(v.wardName('27100'), '大阪市');
  assert.equal(v.areaLabel('north'), '北部');
  assert.equal(v.areaLabel('osaka_city'), '大阪市');
  assert.equal(v.fieldLabel('phone'), '電話');
  assert.equal(v.fieldLabel('fax'), 'fax');
});

test('新規受入 statuses and the flags are the server’s words', () => {
  const v = new Vocab(RAW);
  assert.equal(v.acceptingLabel('yes'), '新規受入可');
  assert.equal(v.acceptingLabel('no'), '新規受入停止中');
  assert.equal(v.acceptingLabel('unknown'), '新規受入は要確認');
  assert.equal(v.acceptingLabel('maybe'), 'maybe', 'no label of the page’s own');
  assert.equal(v.flagShort('wheelchair'), '車いす対応');
  assert.equal(v.flagLabel('pediatric'), '小児の受け入れ可');
  assert.deepEqual([...v.flags.keys()], ['wheelchair', 'pediatric']);
});

test('colour groups: a kind’s group, a facility’s first kind that has one, else other', () => {
  const v = new Vocab(RAW);
  assert.equal(v.kindGroup('clinic'), 'medical');
  assert.equal(v.kindGroup('new_kind'), 'other');
  assert.equal(v.kindGroup('nope'), 'other');
  assert.equal(v.facilityGroup(['new_kind', 'visiting_nursing', 'clinic']), 'nursing');
  assert.equal(v.facilityGroup([]), 'other');
  assert.equal(v.facilityGroup(undefined), 'other');
});

test('the legal radius is the server’s', () => {
  assert.equal(new Vocab(RAW).legalRadiusKm, 16);
  assert.equal(new Vocab({ ...RAW, legal_radius_km: 12.5 }).legalRadiusKm, 12.5);
});

test('an empty vocabulary works', () => {
  const v = new Vocab({});
  assert.equal(v.kindLabel('clinic'), 'clinic');
  assert.equal(v.facilityGroup(['clinic']), 'other');
  assert.equal(v.flags.size, 0);
});
