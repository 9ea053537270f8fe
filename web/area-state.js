// The 「地域の状況」 view's state (for planners) and the pure logic behind it:
//   ?view=area[&level=ward|kihon|municipality|niji][&measure=count|per65|per75][&role=CODE]
// `level` picks the supply table's areas, `measure` its figures (counts or rates per 10,000
// people aged 65+ / 75+), `role` the town coverage on the map (a code of the server's
// `town_metrics`; none: the first of them). Also the links behind each figure (the search
// view's URL), the colour bucket of a town's count and the order of the thinnest towns.
// Pure functions only: no DOM, no network.

import { pointParam } from './state.js';

/** The `view` value of the area view's URL. */
export const AREA_VIEW = 'area';

/** The figures the supply table can show: counts, or rates per 10,000 aged 65+ / 75+. */
export const MEASURES = ['count', 'per65', 'per75'];

export function emptyArea() {
  return { level: 'ward', measure: 'count', role: '' };
}

/** Whether a page URL's query string (or URLSearchParams) shows the area view. */
export function isAreaView(input) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  return p.get('view') === AREA_VIEW;
}

/** The area state of a page URL's query string (unknown values fall back to the defaults). */
export function areaFromParams(input) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  const a = emptyArea();
  const level = (p.get('level') || '').trim();
  if (/^[a-z_]+$/.test(level)) a.level = level;
  const measure = p.get('measure');
  if (MEASURES.includes(measure)) a.measure = measure;
  const role = (p.get('role') || '').trim();
  if (/^[a-z0-9_]+$/.test(role)) a.role = role;
  return a;
}

/** The page URL's query string of the area view (defaults left out). */
export function areaUrlParams(a) {
  const p = new URLSearchParams([['view', AREA_VIEW]]);
  if (a.level && a.level !== 'ward') p.set('level', a.level);
  if (a.measure && a.measure !== 'count') p.set('measure', a.measure);
  if (a.role) p.set('role', a.role);
  return p;
}

/** The town role shown: the state's when the server counts it per town, else the first; '' when none. */
export function townRole(a, townMetrics) {
  const list = townMetrics || [];
  return list.includes(a.role) ? a.role : list[0] || '';
}

/** The levels present in a /coverage/regions answer, in the order they first appear. */
export function levelsOf(areas) {
  return [...new Set((areas || []).map((x) => x.level))];
}

/**
 * The page URL (search view) of the list behind a figure: the metric's search in the area,
 * `metric.query` + `&` + `area.place` as the server gives them; without a metric, every
 * facility of the area.
 */
export function figureHref(pathname, metric, area) {
  const qs = [metric ? metric.query : '', area.place].filter(Boolean).join('&');
  return `${pathname}?${qs}`;
}

/**
 * A figure of an area: the count of metric `i`, or its rate per 10,000 (65+/75+); null when
 * the area has no population for a rate.
 */
export function figure(area, i, measure) {
  if (measure === 'per65') return area.per_10k_65 ? area.per_10k_65[i] : null;
  if (measure === 'per75') return area.per_10k_75 ? area.per_10k_75[i] : null;
  return area.counts[i];
}

/** The colour buckets of a town's count (providers that can visit it); 0 and 1 are the thin ones. */
export const BUCKETS = [
  { min: 0, max: 0, label: '0', thin: true },
  { min: 1, max: 1, label: '1', thin: true },
  { min: 2, max: 4, label: '2–4', thin: false },
  { min: 5, max: 9, label: '5–9', thin: false },
  { min: 10, max: Infinity, label: '10 以上', thin: false },
];

/** The index in BUCKETS of a count (a missing or negative count reads as 0). */
export function bucketOf(count) {
  const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
  return BUCKETS.findIndex((b) => n >= b.min && n <= b.max);
}

/** How many towns fall in each bucket. */
export function bucketCounts(features) {
  const out = BUCKETS.map(() => 0);
  for (const f of features || []) out[bucketOf(f.properties.count)] += 1;
  return out;
}

/**
 * Towns thinnest first: fewest providers, then farthest from the nearest one (no nearest
 * provider at all is the farthest), then ward and town name; the first `n` (all without `n`).
 */
export function thinnestTowns(features, n) {
  const far = (f) => (f.properties.nearest_m === null || f.properties.nearest_m === undefined ? Infinity : f.properties.nearest_m);
  const sorted = [...(features || [])].sort(
    (a, b) =>
      a.properties.count - b.properties.count ||
      far(b) - far(a) ||
      String(a.properties.ward).localeCompare(String(b.properties.ward), 'ja') ||
      String(a.properties.town).localeCompare(String(b.properties.town), 'ja'),
  );
  return n === undefined ? sorted : sorted.slice(0, n);
}

/** A town feature's point: GeoJSON's [lon, lat] read once, here. */
export function townPoint(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  return { lat, lon };
}

/**
 * The search of the providers that can visit a town: `covers` at its point and the metric's
 * query, nearest first (the same covers rule as the town's count).
 */
export function townCoverParams(feature, metric, limit) {
  const p = new URLSearchParams(metric.query);
  p.set('covers', pointParam(townPoint(feature)));
  p.set('sort', 'distance');
  if (limit) p.set('limit', String(limit));
  return p;
}
