// The page state and its two spellings: the page's own URL (a permalink) and the query
// string of /api/v1/search. The URL mirrors the API parameters (`typo` only as `typo=false`
// beside `text`: the words as typed, not corrected), plus a few page-only keys:
//   qm=text|address   how the search box was meant, when chosen explicitly
//   visit=1           「この住所に訪問できる」 is on but no point is set yet
//   sel=ID            the facility whose detail is open
//   z, lat, lon       the map view
// The team view (`view=team`, team-state.js) and the compare list (`cmp`, compare-state.js)
// have URLs of their own kept by those modules.
// Pure functions only: no DOM, no network.
//
// The page sizes are the server's: functions that need them take `page`, the `page` object
// of GET /api/v1/config ({default_limit, max_limit}).

/** The page sizes offered: the default, a tenth and a fifth of the maximum, and the maximum. */
export function pageSizes(page) {
  const max = page.max_limit;
  const sizes = [page.default_limit, max / 10, max / 5, max]
    .map((n) => Math.round(n))
    .filter((n) => n > 0 && n <= max);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** The state of a fresh page: no search words, no filters, the first page of the default size. */
export function emptyState(page) {
  return {
    q: '',
    qm: 'auto',
    typo: true, // false: the words as typed, without the server's typo correction (`typo=false`)
    kinds: [],
    caps: [],
    wheelchair: false,
    pediatric: false,
    accepting_new: false,
    scene: '', // a care scene's code (/api/v1/vocabulary scenes)
    wards: [],
    area: '',
    visit: false,
    covers: null, // {lat, lon} set by a map click (or a permalink)
    near: null, // {lat, lon}, only from a permalink
    radius_km: '',
    bbox: '',
    sort: '',
    limit: page.default_limit,
    offset: 0,
    sel: null,
    view: null, // {z, lat, lon}
  };
}

const FACILITY_WORDS =
  /病院|クリニック|診療所|医院|歯科|薬局|ステーション|センター|事業所|訪問|看護|介護|居宅|ケア|支援|包括/;

/** Whether free input reads as an address or postal code rather than a name or keywords. */
export function looksLikeAddress(input) {
  const s = (input || '').normalize('NFKC').trim();
  if (!s) return false;
  if (/^〒?\s*\d{3}\s*-?\s*\d{4}$/.test(s)) return true; // postal code
  if (/\s/.test(s)) return false; // several words: keywords
  if (FACILITY_WORDS.test(s)) return false; // 大阪市立総合医療センター is a name
  if (/丁目|番地|\d+-\d+/.test(s)) return true;
  return /[区市]|[町村]$/.test(s);
}

/** 'text' | 'address' | null (empty box). */
export function queryKind(state) {
  if (!state.q.trim()) return null;
  if (state.qm === 'text' || state.qm === 'address') return state.qm;
  return looksLikeAddress(state.q) ? 'address' : 'text';
}

/** Every value of `key`, repeated or comma-separated, trimmed, without empties. */
export function splitList(params, key) {
  return params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `"34.7,135.5"` as {lat, lon}; null when it is not two numbers. */
export function parsePoint(s) {
  if (!s) return null;
  const m = s.split(',').map((x) => Number(x.trim()));
  if (m.length !== 2 || m.some((x) => !Number.isFinite(x))) return null;
  return { lat: m[0], lon: m[1] };
}

function fmtCoord(x) {
  return String(Math.round(x * 1e6) / 1e6);
}

export function pointParam(p) {
  return `${fmtCoord(p.lat)},${fmtCoord(p.lon)}`;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Reads a page URL's query string (or URLSearchParams) into a state; `limit` is kept within `page.max_limit`. */
export function stateFromParams(input, page) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  const st = emptyState(page);
  const text = p.get('text') || '';
  const address = p.get('address') || '';
  const qm = p.get('qm');
  if (address) {
    st.q = address;
    st.qm = qm === 'address' || !looksLikeAddress(address) ? 'address' : 'auto';
    st.visit = p.get('address_use') === 'covers';
  } else if (text) {
    st.q = text;
    st.qm = qm === 'text' || looksLikeAddress(text) ? 'text' : 'auto';
    st.typo = !FALSE.has(p.get('typo'));
  }
  st.kinds = splitList(p, 'kind');
  st.caps = splitList(p, 'cap');
  st.wheelchair = TRUE.has(p.get('wheelchair'));
  st.pediatric = TRUE.has(p.get('pediatric'));
  st.accepting_new = TRUE.has(p.get('accepting_new'));
  st.scene = p.get('scene') || '';
  st.wards = splitList(p, 'ward');
  st.area = p.get('area') || '';
  st.covers = address ? null : parsePoint(p.get('covers'));
  if (st.covers || TRUE.has(p.get('visit'))) st.visit = true;
  st.near = address || st.covers ? null : parsePoint(p.get('near'));
  st.radius_km = p.get('radius_km') || '';
  st.bbox = p.get('bbox') || '';
  st.sort = p.get('sort') || '';
  const limit = parseInt(p.get('limit'), 10);
  st.limit = Number.isFinite(limit) && limit > 0 ? Math.min(limit, page.max_limit) : page.default_limit;
  const offset = parseInt(p.get('offset'), 10);
  st.offset = Number.isFinite(offset) && offset > 0 ? offset : 0;
  st.sel = p.get('sel') || null;
  const z = Number(p.get('z'));
  const lat = Number(p.get('lat'));
  const lon = Number(p.get('lon'));
  if (p.has('z') && p.has('lat') && p.has('lon') && [z, lat, lon].every(Number.isFinite)) {
    st.view = { z, lat, lon };
  }
  return st;
}

/** The search parameters sent to /api/v1/search (and search.csv), in a stable order. */
export function apiParams(st, { paging = true } = {}) {
  const p = new URLSearchParams();
  const qk = queryKind(st);
  if (qk === 'text') {
    p.set('text', st.q.trim());
    if (st.typo === false) p.set('typo', 'false');
  }
  if (qk === 'address') {
    p.set('address', st.q.trim());
    if (st.visit) p.set('address_use', 'covers');
  }
  for (const k of st.kinds) p.append('kind', k);
  for (const c of st.caps) p.append('cap', c);
  if (st.wheelchair) p.set('wheelchair', 'true');
  if (st.pediatric) p.set('pediatric', 'true');
  if (st.accepting_new) p.set('accepting_new', 'true');
  if (st.scene) p.set('scene', st.scene);
  for (const w of st.wards) p.append('ward', w);
  if (st.area) p.set('area', st.area);
  const hasAddressPoint = qk === 'address';
  if (st.visit && st.covers && !hasAddressPoint) p.set('covers', pointParam(st.covers));
  if (!st.visit && st.near && !hasAddressPoint) p.set('near', pointParam(st.near));
  const nearPoint = !st.visit && (hasAddressPoint || st.near);
  if (st.radius_km && nearPoint) p.set('radius_km', st.radius_km);
  if (st.bbox) p.set('bbox', st.bbox);
  if (st.sort) p.set('sort', st.sort);
  if (paging) {
    p.set('limit', String(st.limit));
    if (st.offset > 0) p.set('offset', String(st.offset));
  }
  return p;
}

/** The page URL's query string for a state (API parameters plus page-only keys; no default `limit`). */
export function urlParams(st, page) {
  const p = apiParams(st);
  if (st.limit === page.default_limit) p.delete('limit');
  const qk = queryKind(st);
  if (qk && st.qm !== 'auto') p.set('qm', st.qm);
  if (st.visit && !p.has('covers') && !p.has('address_use')) p.set('visit', '1');
  if (st.sel) p.set('sel', st.sel);
  if (st.view) {
    p.set('z', String(st.view.z));
    p.set('lat', fmtCoord(st.view.lat));
    p.set('lon', fmtCoord(st.view.lon));
  }
  return p;
}

/**
 * How many filters narrow the search (the phone's drawer toggle shows it): each kind,
 * capability and flag, the scene, the place selects, the radius and the visit mode.
 */
export function activeFilterCount(st) {
  const flags = [st.wheelchair, st.pediatric, st.accepting_new, st.visit].filter(Boolean).length;
  const one = [st.scene, st.wards.length ? 'ward' : '', st.area, st.radius_km].filter(Boolean).length;
  return st.kinds.length + st.caps.length + flags + one;
}

/**
 * The state read from the form over `prev`: new words are searched with typo correction
 * again. `typo=false` (「…で検索する」 under a corrected answer) belongs to the words it was
 * asked for; filters changed over them keep it.
 */
export function withTypedWords(prev, next) {
  return next.q.trim() === prev.q.trim() ? next : { ...next, typo: true };
}

/**
 * The parameters of the result's downloads (search.csv): the search without paging. The
 * exports never correct words, so an answer the server corrected (`res.corrected`) is
 * downloaded with the text it searched, and the file holds what the page shows.
 */
export function exportParams(st, res) {
  const p = apiParams(st, { paging: false });
  const corrected = res && res.corrected;
  if (corrected && corrected.text && p.has('text')) p.set('text', corrected.text);
  return p;
}

/** Whether two states ask the server the same search (page-only keys aside). */
export function sameSearch(a, b) {
  return apiParams(a).toString() === apiParams(b).toString();
}
