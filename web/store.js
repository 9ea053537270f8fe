// A tiny store: the page's one state object, changed only by `update`, which tells the
// subscribers. Generic and pure (no DOM; unit-tested in test/store.test.mjs).
//
//   const store = createStore({ count: 0 });
//   store.subscribe((next, prev) => …);
//   store.update({ count: 1 });                  // a patch, merged into the state
//   store.update((s) => ({ count: s.count + 1 })); // or a function of the state returning one
//   store.get().count;                            // 2
//
// The state is a new frozen object after every change; values inside it are replaced, never
// mutated, so `next !== prev` tells what changed.

export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const subscribers = new Set();
  return {
    /** The current state (frozen). */
    get: () => state,
    /**
     * Merges `patch` (or `patch(state)`) into the state. Notifies the subscribers with
     * (next, prev) when some value changed (Object.is); returns the new state.
     */
    update(patch) {
      const p = typeof patch === 'function' ? patch(state) : patch;
      if (!p || !Object.keys(p).some((k) => !(k in state) || !Object.is(state[k], p[k]))) return state;
      const prev = state;
      state = Object.freeze({ ...state, ...p });
      for (const fn of [...subscribers]) fn(state, prev);
      return state;
    },
    /** Calls `fn(next, prev)` after every change; returns a function that stops it. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
