// The team view's state (「在宅チームを探す」) and its two spellings: the page URL
//   ?view=team&address=…|covers=LAT,LON[&scene=CODE][&pick=ID1,ID2]
// and the query strings of GET /api/v1/team (no `pick`: the server refuses it there) and of
// the referral sheet (/team/sheet, /api/v1/team/sheet.pdf: the same plus `pick`).
// `pick` holds the facilities the user ticked, in the order ticked, so a bookmark or a
// reload brings the same team back. Pure functions only: no DOM, no network.

import { parsePoint, pointParam, splitList } from './state.js';

/** The `view` value of the team view's URL. */
export const TEAM_VIEW = 'team';

export function emptyTeam() {
  return { address: '', covers: null, scene: '', picks: [] };
}

/** Whether a page URL's query string (or URLSearchParams) shows the team view. */
export function isTeamView(input) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  return p.get('view') === TEAM_VIEW;
}

/** The team state of a page URL's query string; the ticks keep their order, once each. */
export function teamFromParams(input) {
  const p = input instanceof URLSearchParams ? input : new URLSearchParams(input);
  const t = emptyTeam();
  t.address = (p.get('address') || '').trim();
  t.covers = t.address ? null : parsePoint(p.get('covers'));
  t.scene = p.get('scene') || '';
  t.picks = [...new Set(splitList(p, 'pick'))];
  return t;
}

/** Whether the team has a home to search from. */
export function hasHome(t) {
  return !!(t.address || t.covers);
}

/** The query string of GET /api/v1/team. */
export function teamApiParams(t) {
  const p = new URLSearchParams();
  if (t.address) p.set('address', t.address);
  else if (t.covers) p.set('covers', pointParam(t.covers));
  if (t.scene) p.set('scene', t.scene);
  return p;
}

/** The page URL's query string of the team view. */
export function teamUrlParams(t) {
  const p = new URLSearchParams([['view', TEAM_VIEW]]);
  for (const [k, v] of teamApiParams(t)) p.append(k, v);
  if (t.picks.length) p.set('pick', t.picks.join(','));
  return p;
}

/** The query string of the referral sheet (page and PDF) for the ticked facilities. */
export function sheetParams(t) {
  const p = teamApiParams(t);
  if (t.picks.length) p.set('pick', t.picks.join(','));
  return p;
}

/** The ticks with `id` ticked (`on`) or not; a new tick goes last. */
export function togglePick(picks, id, on) {
  const without = picks.filter((x) => x !== id);
  return on ? [...without, id] : without;
}

/**
 * Whether a sheet can be made of these ticks: `{ok, message}`, the message saying why not
 * (nothing ticked, more than `max` — one A4 page, the server's `config.team.max_picks`)
 * or what the sheet will hold.
 */
export function sheetReadiness(picks, max) {
  const n = picks.length;
  if (!n) return { ok: false, message: '紹介用シートに載せる施設にチェックを入れてください。' };
  if (n > max) {
    return {
      ok: false,
      message: `紹介用シート（A4 1 枚）に載せられるのは ${max} 件までです。いま ${n} 件選んでいます。チェックを ${n - max} 件外してください。`,
    };
  }
  return { ok: true, message: `選んだ ${n} 件を紹介用シート（A4 1 枚）にします。` };
}
