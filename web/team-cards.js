// The team view's body: one card per role (訪問診療医, 訪問看護 … 相談支援室) with the
// facilities that fully meet the scene, then, set apart, those that meet it partly with what
// each lacks, the role's note and the line saying nobody covers the home. Each facility has
// a checkbox (tick to keep it in the team), 詳細 and 比較. Also the list of ticked
// facilities (numbered like their markers) and the sheet links. No fetching, no state.

import { acceptingBadge, bedsBadge, kindBadges } from './badges.js';
import { compareButton } from './compare.js';
import { $, h } from './dom.js';
import { formatDistance, telHref } from './format.js';

function member(vocab, role, m, { onPick, onCompare, onDetail }) {
  const f = m.facility;
  const box = `pick-${role}-${f.id}`;
  const dist = formatDistance(f.distance_m);
  const status = acceptingBadge(vocab, f) || h('span', { class: 'accepting accepting-unknown' }, `${vocab.fieldLabel('accepting_new')}: 未確認`);
  const detail = h('button', { type: 'button', class: 'btn btn-small' }, '詳細', h('span', { class: 'visually-hidden' }, `（${f.name}）`));
  detail.addEventListener('click', () => onDetail(f.id));
  const input = h('input', { type: 'checkbox', id: box, 'data-pick': f.id, 'data-testid': 'team-pick' });
  input.addEventListener('change', () => onPick(f.id, input.checked));
  return h(
    'li',
    { class: `member ${m.fits ? 'member-full' : 'member-partial'}`, 'data-id': f.id, 'data-testid': 'team-member' },
    h(
      'div',
      { class: 'member-head' },
      h('div', { class: 'check member-pick' }, input, h('label', { for: box, class: 'member-name' }, f.name)),
      dist ? h('span', { class: 'hit-distance' }, h('span', { class: 'visually-hidden' }, '距離 '), dist) : null,
    ),
    h('div', { class: 'hit-meta' }, kindBadges(vocab, f.kinds), status, bedsBadge(vocab, f)),
    m.reason ? h('p', { class: 'hit-explanation member-reason' }, m.reason) : null,
    m.lacks && m.lacks.length
      ? h('p', { class: 'member-lacks', 'data-testid': 'member-lacks' }, `満たしていないもの: ${m.lacks.join('、')}`)
      : null,
    f.explanation ? h('p', { class: 'member-explanation' }, f.explanation) : null,
    f.phone ? h('p', { class: 'hit-phone' }, `${vocab.fieldLabel('phone')} `, h('a', { href: telHref(f.phone) }, f.phone)) : null,
    h('div', { class: 'member-tools' }, detail, onCompare ? compareButton(f.id, f.name, onCompare) : null),
  );
}

/** The role cards of a /api/v1/team answer into #team-roles. */
export function renderRoles(vocab, res, handlers) {
  const cards = (res.roles || []).map((r) => {
    const title = `role-${r.role}`;
    const full = r.full || [];
    const partial = r.partial || [];
    return h(
      'section',
      { class: 'role-card', 'data-role': r.role, 'data-testid': 'role-card', 'aria-labelledby': title },
      h('h3', { id: title, class: 'role-title' }, r.label, h('span', { class: 'role-reach' }, r.reach_label)),
      r.asks ? h('p', { class: 'role-asks' }, `求めること: ${r.asks}`) : null,
      r.note ? h('p', { class: 'role-note', 'data-testid': 'role-note' }, r.note) : null,
      r.none ? h('p', { class: 'role-none warn', 'data-testid': 'role-none' }, r.none) : null,
      full.length
        ? h('ul', { class: 'members members-full', 'aria-label': `${r.label}（すべてを満たす）` }, full.map((m) => member(vocab, r.role, m, handlers)))
        : !r.none && partial.length
          ? h('p', { class: 'help' }, 'すべてを満たす施設はありません。')
          : null,
      partial.length
        ? h(
            'div',
            { class: 'partial', 'data-testid': 'role-partial' },
            h('h4', { class: 'partial-title' }, '一部を満たす'),
            h('ul', { class: 'members members-partial', 'aria-label': `${r.label}（一部を満たす）` }, partial.map((m) => member(vocab, r.role, m, handlers))),
          )
        : null,
    );
  });
  $('team-roles').replaceChildren(...cards);
}

/** Every checkbox of a ticked facility checked (one facility can stand in two roles). */
export function syncPicks(picks) {
  for (const i of document.querySelectorAll('#team-roles input[data-pick]')) i.checked = picks.includes(i.dataset.pick);
  for (const li of document.querySelectorAll('#team-roles li.member')) li.classList.toggle('picked', picks.includes(li.dataset.id));
}

/**
 * The ticked facilities the team has, in tick order (numbered like their markers), those it
 * does not have (a permalink after the data changed) with a button to drop each, and the
 * sheet links: enabled with the sheet's URLs when `ready.ok`, otherwise without a target
 * and saying why. `all` maps id → {name, roleLabel}.
 */
export function renderPicked(found, missing, all, ready, { sheetUrl, pdfUrl, onDrop }) {
  $('team-picked').hidden = false;
  $('team-pick-count').textContent = String(found.length + missing.length);
  $('team-pick-list').replaceChildren(
    ...found.map((id) => h('li', { 'data-id': id }, `${all.get(id).name}（${all.get(id).roleLabel}）`)),
  );
  $('team-pick-list').hidden = !found.length;
  $('team-pick-missing').replaceChildren(
    ...missing.map((id) => {
      const b = h('button', { type: 'button', class: 'btn btn-small' }, 'チェックを外す', h('span', { class: 'visually-hidden' }, `（${id}）`));
      b.addEventListener('click', () => onDrop(id));
      return h('li', { 'data-id': id }, `${id}: この住所のチームにはありません `, b);
    }),
  );
  $('team-pick-missing').hidden = !missing.length;
  for (const [id, url] of [
    ['sheet-link', sheetUrl],
    ['sheet-pdf', pdfUrl],
  ]) {
    const a = $(id);
    if (ready.ok) {
      a.href = url;
      for (const k of ['aria-disabled', 'role', 'tabindex']) a.removeAttribute(k);
      a.classList.remove('disabled');
    } else {
      // A link without a target, still focusable and announced as unavailable.
      a.removeAttribute('href');
      a.setAttribute('role', 'link');
      a.setAttribute('tabindex', '0');
      a.setAttribute('aria-disabled', 'true');
      a.classList.add('disabled');
    }
  }
  $('sheet-note').textContent = ready.message;
  $('sheet-note').classList.toggle('warn', !ready.ok);
}
