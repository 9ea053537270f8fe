// The search form: controls built from /api/v1/vocabulary and /api/v1/config, and the
// form ⇄ state mapping.

import { $, h } from './dom.js';
import { pageSizes } from './state.js';

function checkbox(id, name, value, label) {
  return h(
    'div',
    { class: 'check' },
    h('input', { type: 'checkbox', id, name, value, 'data-testid': id }),
    h('label', { for: id }, label),
  );
}

/**
 * The place selects. A dataset of one city groups its wards by 基本保健医療圏; a dataset of
 * several 市町村 (the prefecture) groups them by 二次医療圏, a designated city first as a
 * whole, then its wards. The area select offers both kinds of area the dataset has.
 */
function buildPlaces(vocab) {
  const ward = $('ward');
  const wards = vocab.raw.wards || [];
  const munis = vocab.raw.municipalities || [];
  const kihon = vocab.raw.kihon_areas || [];
  const niji = vocab.raw.niji_areas || [];
  const option = (code, text) => h('option', { value: String(code) }, text);
  if (niji.length > 1) {
    $('ward-label').textContent = '市区町村';
    ward.firstElementChild.textContent = 'すべての市区町村';
    for (const a of niji) {
      const group = h('optgroup', { label: `${a.label}二次医療圏` });
      for (const code of a.members) {
        const m = munis.find((x) => x.code === code);
        if (!m) continue;
        const own = wards.filter((w) => w.city === code);
        group.append(option(code, own.length ? `${m.full_name}（全区）` : m.full_name));
        for (const w of own) group.append(option(w.code, w.full_name));
      }
      if (group.children.length) ward.append(group);
    }
  } else {
    for (const a of kihon) {
      const group = h('optgroup', { label: `${a.label}基本保健医療圏` });
      for (const w of wards.filter((w) => w.kihon === a.code)) group.append(option(w.code, w.name));
      if (group.children.length) ward.append(group);
    }
    for (const w of wards.filter((w) => !kihon.some((a) => a.code === w.kihon))) {
      ward.append(option(w.code, w.name));
    }
  }
  const area = $('area');
  const groups = [
    ['基本保健医療圏', kihon],
    ['二次医療圏', niji.length > 1 ? niji : []],
  ];
  for (const [label, list] of groups) {
    if (!list.length) continue;
    const group = h('optgroup', { label });
    for (const a of list) group.append(option(a.code, `${a.label}${label}`));
    area.append(group);
  }
  if (niji.length > 1) $('area-label').textContent = '医療圏';
}

/**
 * Kind, capability and flag checkboxes, the place selects, the legal radius (all from
 * /vocabulary) and the page sizes (from config.page: {default_limit, max_limit}).
 */
export function buildControls(vocab, page) {
  const kindBox = $('kind-checks');
  for (const k of vocab.raw.kinds || []) {
    kindBox.append(checkbox(`kind-${k.code}`, 'kind', k.code, k.label));
  }
  const capBox = $('cap-checks');
  for (const c of vocab.raw.capabilities || []) {
    capBox.append(checkbox(`cap-${c.code}`, 'cap', c.code, c.label));
  }
  // 車いす対応, 小児対応 (state keys and API parameters named by their codes) and 新規受入可.
  const flagBox = $('flag-checks');
  for (const f of vocab.raw.flags || []) flagBox.append(checkbox(f.code, f.code, 'true', f.short || f.label));
  if (vocab.accepting.has('yes')) {
    flagBox.append(checkbox('accepting-new', 'accepting_new', 'true', vocab.acceptingShort('yes')));
  }
  buildPlaces(vocab);
  for (const id of ['scene', 'team-scene']) {
    $(id).append(...(vocab.raw.scenes || []).map((sc) => h('option', { value: sc.code }, sc.label)));
  }
  $('legal-radius').textContent = String(vocab.legalRadiusKm);
  $('legal-radius-note').hidden = !(vocab.legalRadiusKm > 0);
  $('page-size').replaceChildren(...pageSizes(page).map((n) => h('option', { value: String(n) }, `${n} 件`)));
}

/** The demo notice and the footer's data and tile attribution (plain text from the server). */
export function showDataset(config) {
  const ds = config.dataset || {};
  const note = $('dataset-note');
  if (ds.name === 'demo') {
    note.textContent = 'デモデータ（架空の施設）を表示しています。実在の施設ではありません。';
    note.hidden = false;
  }
  const built = ds.built_at ? new Date(ds.built_at * 1000) : null;
  const foot = $('footer-attribution');
  foot.replaceChildren(h('span', null, 'データ: '), h('span', null, config.data_attribution || ''));
  if (config.tile_attribution) {
    foot.append(' ／ 背景地図: ', h('span', null, config.tile_attribution));
  }
  if (built && !Number.isNaN(built.getTime())) {
    foot.append(` ／ 索引の作成: ${built.toLocaleDateString('ja-JP')}`);
  }
}

/** Whether the checkbox with this id is there (the vocabulary may not offer it) and checked. */
function isChecked(id) {
  const el = $(id);
  return !!el && el.checked;
}

function setChecked(id, on) {
  const el = $(id);
  if (el) el.checked = on;
}

function checkedValues(name) {
  return [...document.querySelectorAll(`#search-form input[name="${name}"]:checked`)].map((i) => i.value);
}

/** A new state: `base` with what the form says (points, selection and view kept). */
export function readForm(base) {
  const st = { ...base };
  st.q = $('q').value;
  st.qm = $('q-mode').value;
  st.kinds = checkedValues('kind');
  st.caps = checkedValues('cap');
  st.wheelchair = isChecked('wheelchair');
  st.pediatric = isChecked('pediatric');
  st.accepting_new = isChecked('accepting-new');
  st.scene = $('scene').value;
  const ward = $('ward').value;
  st.wards = ward ? (base.wards[0] === ward ? base.wards : [ward]) : [];
  st.area = $('area').value;
  st.visit = $('visit-mode').checked;
  if (!st.visit) st.covers = null;
  st.sort = $('sort').value;
  st.radius_km = $('radius').value;
  st.limit = Number($('page-size').value) || base.limit;
  return st;
}

function setSelect(el, value, vocab) {
  el.value = value;
  if (el.value !== value) {
    // A value from a permalink that the list does not have (a ward name, 7 km …).
    const text = el.id === 'ward' && vocab.wards.has(value) ? vocab.wardName(value) : value;
    el.append(h('option', { value }, text));
    el.value = value;
  }
}

export function writeForm(st, vocab) {
  $('q').value = st.q;
  $('q-mode').value = st.qm;
  for (const i of document.querySelectorAll('#search-form input[name="kind"]')) i.checked = st.kinds.includes(i.value);
  for (const i of document.querySelectorAll('#search-form input[name="cap"]')) i.checked = st.caps.includes(i.value);
  if (st.caps.length || st.wheelchair || st.pediatric || st.accepting_new) $('cap-details').open = true;
  setChecked('wheelchair', st.wheelchair);
  setChecked('pediatric', st.pediatric);
  setChecked('accepting-new', st.accepting_new);
  setSelect($('scene'), st.scene, vocab);
  showSceneExpansion('scene', vocab);
  setSelect($('ward'), st.wards[0] || '', vocab);
  setSelect($('area'), st.area, vocab);
  $('visit-mode').checked = st.visit;
  setSelect($('sort'), st.sort, vocab);
  setSelect($('radius'), st.radius_km, vocab);
  if (st.sort || st.radius_km) $('order-details').open = true;
  setSelect($('page-size'), String(st.limit), vocab);
  updateCapCount();
}

/**
 * Under a scene select (`scene` or `team-scene`): what the chosen scene asks of each kind,
 * the server's `expands_to`, with its description.
 */
export function showSceneExpansion(selectId, vocab) {
  const code = $(selectId).value;
  const el = $(`${selectId}-expands`);
  const sc = vocab.scenes.get(code);
  el.hidden = !sc;
  el.textContent = sc ? `${sc.description ? `${sc.description}。` : ''}対象: ${vocab.sceneExpands(code)}` : '';
}

export function updateCapCount() {
  const n = checkedValues('cap').length + ['wheelchair', 'pediatric', 'accepting-new'].filter(isChecked).length;
  $('cap-selected').textContent = n ? `（${n} 件選択中）` : '';
}
