// Unit tests of store.js, the page's one state object: `node --test web/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createStore } from '../store.js';

test('get returns the initial state, a frozen copy', () => {
  const initial = { a: 1, b: 'x' };
  const store = createStore(initial);
  assert.deepEqual(store.get(), { a: 1, b: 'x' });
  assert.notEqual(store.get(), initial);
  assert.ok(Object.isFrozen(store.get()));
  initial.a = 2;
  assert.equal(store.get().a, 1, 'the caller’s object is not the state');
});

test('update merges a patch into a new frozen state', () => {
  const store = createStore({ a: 1, b: 2 });
  const before = store.get();
  const after = store.update({ b: 3 });
  assert.equal(after, store.get());
  assert.deepEqual(after, { a: 1, b: 3 });
  assert.notEqual(after, before);
  assert.deepEqual(before, { a: 1, b: 2 }, 'the old state is unchanged');
  assert.ok(Object.isFrozen(after));
  assert.throws(() => {
    after.a = 5; // modules are strict: writing a frozen object throws
  }, TypeError);
});

test('update takes a function of the state', () => {
  const store = createStore({ n: 1, other: 'kept' });
  store.update((s) => ({ n: s.n + 1 }));
  store.update((s) => ({ n: s.n * 10 }));
  assert.deepEqual(store.get(), { n: 20, other: 'kept' });
});

test('subscribers hear every change with the new and the old state', () => {
  const store = createStore({ n: 0 });
  const seen = [];
  store.subscribe((next, prev) => seen.push([prev.n, next.n]));
  store.update({ n: 1 });
  store.update((s) => ({ n: s.n + 1 }));
  assert.deepEqual(seen, [
    [0, 1],
    [1, 2],
  ]);
});

test('an update that changes nothing keeps the state and tells nobody', () => {
  const list = [1, 2];
  const store = createStore({ n: 1, list });
  let calls = 0;
  store.subscribe(() => (calls += 1));
  const before = store.get();
  assert.equal(store.update({ n: 1, list }), before);
  assert.equal(store.update({}), before);
  assert.equal(store.update(() => null), before);
  assert.equal(calls, 0);
  store.update({ list: [1, 2] }); // a new array is a change
  assert.equal(calls, 1);
  store.update({ added: undefined }); // a new key is a change
  assert.equal(calls, 2);
  assert.ok('added' in store.get());
});

test('a subscriber can stop listening, and may update the store itself', () => {
  const store = createStore({ n: 0, doubled: 0 });
  const stop = store.subscribe((s) => {
    if (s.doubled !== s.n * 2) store.update({ doubled: s.n * 2 });
  });
  store.update({ n: 4 });
  assert.deepEqual(store.get(), { n: 4, doubled: 8 });
  stop();
  store.update({ n: 5 });
  assert.deepEqual(store.get(), { n: 5, doubled: 8 });
});
