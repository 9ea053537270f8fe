// The compare list: up to four facilities side by side, from search results or a team.
// Its URL key is `cmp=ID1,ID2` (in both views). What each column shows is worked out here:
// capabilities with where each value comes from, and the distance to the searched address.
// Pure functions only: no DOM, no network.

import { splitList } from './state.js';

/** How many facilities fit side by side. */
export const COMPARE_MAX = 4;

/** The compare list of a page URL's query string (at most COMPARE_MAX, once each). */
export function compareFromParams(input) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  return [...new Set(splitList(p, 'cmp'))].slice(0, COMPARE_MAX);
}

/**
 * `list` with `id` added: `{list, refused}`; a facility already there stays once, and one
 * beyond COMPARE_MAX is refused (`refused` is the message to show, the list unchanged).
 */
export function addCompare(list, id, max = COMPARE_MAX) {
  if (list.includes(id)) return { list, refused: null };
  if (list.length >= max) {
    return {
      list,
      refused: `比較できるのは ${max} 件までです。ほかの施設を比較から外してから追加してください。`,
    };
  }
  return { list: [...list, id], refused: null };
}

export function removeCompare(list, id) {
  return list.filter((x) => x !== id);
}

const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres between two {lat, lon} (haversine). */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** The names of a record's sources that list `field` (all of them when none lists fields). */
function sourcesOf(rec, field) {
  const all = rec.sources || [];
  const named = all.filter((s) => (s.fields || []).includes(field));
  return (named.length ? named : all).map((s) => s.source).filter(Boolean);
}

/** Where one capability value of a record comes from, in words. */
function claimText(c) {
  return [c.source, c.implied ? (c.filing ? `${c.filing}の要件` : '') : c.filing, c.as_of ? `（${c.as_of} 現在）` : '']
    .filter(Boolean)
    .join(' ');
}

/**
 * The capability rows of the compare table, in `order` (the vocabulary's codes): only
 * capabilities some record has or some source speaks of. Each cell is
 * `{has: true | false | null, source}`: true when the record has it, false when a source
 * says it does not, null when nothing is known (never shown as "no").
 */
export function capabilityRows(order, records) {
  const mentioned = new Set();
  for (const r of records) {
    for (const c of r.capabilities || []) mentioned.add(c);
    for (const c of r.capability_claims || []) mentioned.add(c.capability);
  }
  const codes = [...order.filter((c) => mentioned.has(c)), ...[...mentioned].filter((c) => !order.includes(c))];
  return codes.map((code) => ({
    code,
    cells: records.map((r) => {
      const claims = (r.capability_claims || []).filter((c) => c.capability === code);
      const has = (r.capabilities || []).includes(code) ? true : claims.some((c) => c.value === false) ? false : null;
      const source = claims.length ? claims.map(claimText).join('；') : has ? sourcesOf(r, 'capabilities').join('・') : '';
      return { has, source };
    }),
  }));
}
