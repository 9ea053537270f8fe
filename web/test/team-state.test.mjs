// Unit tests of the team view's URL state (ticks) and the sheet's limit: `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  emptyTeam,
  hasHome,
  isTeamView,
  sheetParams,
  sheetReadiness,
  teamApiParams,
  teamFromParams,
  teamUrlParams,
  togglePick,
} from '../team-state.js';

test('the team URL round-trips address, scene and the ticks in their order', () => {
  const t = { ...emptyTeam(), address: '大阪市北区梅田1丁目', scene: 'emergency', picks: ['B', 'A', 'C'] };
  const url = teamUrlParams(t);
  assert.equal(url.get('view'), 'team');
  assert.equal(url.get('pick'), 'B,A,C');
  assert.equal(isTeamView(url.toString()), true);
  assert.deepEqual(teamFromParams(url.toString()), t);
  assert.equal(isTeamView('address=x'), false);
});

test('ticks are read once each, repeated or comma-separated', () => {
  const t = teamFromParams('view=team&address=x&pick=A,B&pick=A&pick=%20C%20,');
  assert.deepEqual(t.picks, ['A', 'B', 'C']);
});

test('the team API never gets pick or view; the sheet gets pick', () => {
  const t = { ...emptyTeam(), address: '530-0001', picks: ['A', 'B'] };
  assert.equal(teamApiParams(t).toString(), 'address=530-0001');
  assert.equal(sheetParams(t).get('pick'), 'A,B');
  assert.equal(sheetParams(t).get('view'), null);
});

test('a point stands for the home when there is no address', () => {
  const t = teamFromParams('view=team&covers=34.7,135.5&scene=daily');
  assert.deepEqual(t.covers, { lat: 34.7, lon: 135.5 });
  assert.equal(hasHome(t), true);
  assert.equal(teamApiParams(t).toString(), 'covers=34.7%2C135.5&scene=daily');
  assert.equal(teamFromParams('view=team&address=x&covers=34.7,135.5').covers, null);
  assert.equal(hasHome(teamFromParams('view=team&covers=nope')), false);
});

test('ticking adds at the end, unticking removes, twice is once', () => {
  let p = togglePick([], 'A', true);
  p = togglePick(p, 'B', true);
  p = togglePick(p, 'A', true);
  assert.deepEqual(p, ['B', 'A']);
  assert.deepEqual(togglePick(p, 'B', false), ['A']);
  assert.deepEqual(togglePick(p, 'Z', false), ['B', 'A']);
});

test('a sheet needs one tick and holds at most the maximum', () => {
  assert.equal(sheetReadiness([], 8).ok, false);
  assert.match(sheetReadiness([], 8).message, /チェック/);
  assert.equal(sheetReadiness(['a', 'b'], 8).ok, true);
  const nine = 'abcdefghi'.split('');
  assert.equal(sheetReadiness(nine.slice(0, 8), 8).ok, true);
  const over = sheetReadiness(nine, 8);
  assert.equal(over.ok, false);
  assert.match(over.message, /8 件まで/);
  assert.match(over.message, /1 件外して/);
  assert.equal(sheetReadiness(['a', 'b', 'c'], 2).ok, false);
});
