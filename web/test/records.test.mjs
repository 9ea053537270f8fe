import assert from 'node:assert/strict';
import test from 'node:test';

import { createRecords, listView, withRecord } from '../records.js';

test('the list view is asked for without changing the other parameters', () => {
  const p = listView(new URLSearchParams('q=訪問看護&kind=clinic&kind=hospital&view=full'));
  assert.equal(p.get('view'), 'list');
  assert.deepEqual(p.getAll('kind'), ['clinic', 'hospital']);
  assert.equal(p.get('q'), '訪問看護');
  assert.equal(listView('near=34.7,135.5').toString(), 'near=34.7%2C135.5&view=list');
});

test('records are fetched once, the least recently used dropped past the size', async () => {
  const calls = [];
  const r = createRecords(async (id) => {
    calls.push(id);
    return { id };
  }, 2);
  assert.deepEqual(await r.get('A'), { id: 'A' });
  await r.get('B');
  await r.get('A'); // A is now the most recent
  await r.get('C'); // drops B
  await r.get('A');
  await r.get('B');
  assert.deepEqual(calls, ['A', 'B', 'C', 'B']);
});

test('a failed fetch is tried again', async () => {
  let n = 0;
  const r = createRecords(async (id) => {
    n += 1;
    if (n === 1) throw new Error('down');
    return { id };
  });
  await assert.rejects(r.get('A'), /down/);
  assert.deepEqual(await r.get('A'), { id: 'A' });
  assert.equal(n, 2);
});

test('a hit is laid over its whole record; a record alone has no distance', () => {
  const record = { id: 'A', name: 'A', fax: '06', notes: 'n', distance_m: null, explanation: '' };
  const hit = { id: 'A', name: 'A', distance_m: 120, explanation: '120 m' };
  assert.deepEqual(withRecord(record, hit), { id: 'A', name: 'A', fax: '06', notes: 'n', distance_m: 120, explanation: '120 m' });
  assert.equal(withRecord({ ...record, distance_m: 5 }, null).distance_m, null);
});
