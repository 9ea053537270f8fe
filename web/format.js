// Formatting for people: distances, postal codes, dates, counts, phone links, and HTML
// escaping for the one library option that takes HTML (Leaflet's attribution).
// Pure functions only: no DOM, no network (unit-tested in test/format.test.mjs).

/** Metres as `850 m`, `2.4 km` or `12 km`; '' when there is no distance. */
export function formatDistance(m) {
  if (m === null || m === undefined || !Number.isFinite(m)) return '';
  if (m < 1000) return `${Math.round(m)} m`;
  if (m < 10000) return `${(m / 1000).toFixed(1)} km`;
  return `${Math.round(m / 1000)} km`;
}

/** `5300001` or `530-0001` as `〒530-0001`; anything else after a 〒. */
export function formatPostal(p) {
  if (!p) return '';
  const d = String(p).replace(/\D/g, '');
  return d.length === 7 ? `〒${d.slice(0, 3)}-${d.slice(3)}` : `〒${p}`;
}

/** An ISO date (`2024-04-01`, a timestamp after it is ignored) as `2024年4月1日`. */
/** `2026-11-20` as `11/20` (empty for anything else). */
export function formatMonthDay(s) {
  const m = /^\d{4}-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${Number(m[1])}/${Number(m[2])}` : '';
}

export function formatDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return s || '';
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** A count with Japanese digit grouping (`1,234`). */
export function formatCount(n) {
  return Number(n || 0).toLocaleString('ja-JP');
}

/** A facility's postal code and address on one line. */
export function formatAddress(hit) {
  const parts = [];
  if (hit.postal_code) parts.push(formatPostal(hit.postal_code));
  parts.push(hit.address || '');
  return parts.join(' ');
}

/** A `tel:` link for a phone number as written (`06-1234-5678（代表）` → `tel:06-1234-5678`). */
export function telHref(phone) {
  return `tel:${String(phone).replace(/[^\d+-]/g, '')}`;
}

/** Plain text made safe to put inside HTML (for options that take HTML, like Leaflet's). */
export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
