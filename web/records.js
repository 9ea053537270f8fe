// Whole facility records for the detail and compare panels. Searches ask for the list view
// (`view=list`: what a result row shows, about half the bytes); a panel that opens gets the
// whole record from /api/v1/facilities/{id}, kept for the page's life (the most recent
// RECORD_CACHE of them). No DOM (unit-tested in test/records.test.mjs).

export const RECORD_CACHE = 200;

/** The search parameters with the list view asked for (the CSV and the URL leave it out). */
export function listView(params) {
  const p = new URLSearchParams(params);
  p.set('view', 'list');
  return p;
}

/**
 * A cache of whole records in front of `fetchRecord(id)` (a promise of the record). A
 * failed fetch is not kept, so the next call tries again.
 */
export function createRecords(fetchRecord, size = RECORD_CACHE) {
  const cache = new Map();
  return {
    get(id) {
      let p = cache.get(id);
      if (p) {
        // Most recently used last.
        cache.delete(id);
        cache.set(id, p);
        return p;
      }
      p = fetchRecord(id);
      cache.set(id, p);
      p.catch(() => {
        if (cache.get(id) === p) cache.delete(id);
      });
      while (cache.size > size) cache.delete(cache.keys().next().value);
      return p;
    },
  };
}

/**
 * A facility as a panel shows it: the whole `record`, with what a search said of it (`hit`:
 * its distance, explanation and score, and the list fields, which are the record's own)
 * laid over it. Without a hit the record stands alone, with no distance.
 */
export function withRecord(record, hit) {
  return hit ? { ...record, ...hit } : { ...record, distance_m: null };
}
