// The team view (「在宅チームを探す」): the address form, GET /api/v1/team, the role cards
// (team-cards.js), the ticks kept in the URL (team-state.js), the sheet links, and the map
// showing the home and the ticked facilities numbered in tick order. The team state lives
// in app.js's store under `team` (the answer under `teamResult`); app.js owns the URL.

import { api } from './api.js';
import { $ } from './dom.js';
import { showSceneExpansion } from './form.js';
import { renderPicked, renderRoles, syncPicks } from './team-cards.js';
import { hasHome, sheetParams, sheetReadiness, teamApiParams, togglePick } from './team-state.js';

/**
 * @param {object} deps store (the page's store), map (MapView), writeUrl(history),
 *   remember(records) (facilities the detail panel may open), onDetail(id), onCompare(id),
 *   afterRender() (called when cards were drawn: compare buttons are synced there)
 */
export function createTeamView({ store, map, writeUrl, remember, onDetail, onCompare, afterRender }) {
  const get = () => store.get();
  const setTeam = (patch) => store.update((s) => ({ team: { ...s.team, ...patch } }));
  let inflight = null;

  /** id → {facility, name, roleLabel} over every member of the answer (first role wins). */
  function members() {
    const res = get().teamResult;
    const out = new Map();
    for (const r of (res && res.roles) || []) {
      for (const m of [...(r.full || []), ...(r.partial || [])]) {
        if (!out.has(m.facility.id)) out.set(m.facility.id, { facility: m.facility, name: m.facility.name, roleLabel: r.label });
      }
    }
    return out;
  }

  function writeForm() {
    const t = get().team;
    $('team-address').value = t.address || '';
    $('team-scene').value = t.scene;
    if ($('team-scene').value !== t.scene) $('team-scene').value = '';
    showSceneExpansion('team-scene', get().vocab);
  }

  function done() {
    store.update((s) => ({ teamsDone: s.teamsDone + 1 }));
    const d = document.documentElement.dataset;
    d.teams = String(get().teamsDone);
    d.teamBusy = 'false';
  }

  function error(message, parameter) {
    $('team-error').textContent = message || '';
    $('team-error').hidden = !message;
    const input = $('team-address');
    if (message && (parameter === 'address' || parameter === 'covers')) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'team-error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-errormessage');
    }
  }

  function clear(status) {
    store.update({ teamResult: null });
    $('team-roles').replaceChildren();
    $('team-picked').hidden = true;
    $('team-status').textContent = status;
    map.setHits([], 1);
    map.setPoint(null);
  }

  /** The ticked facilities' list and sheet links, and the map (home + ticks). */
  function showPicks({ fit = false } = {}) {
    const { team, teamResult, config } = get();
    if (!teamResult) return;
    const all = members();
    const found = team.picks.filter((id) => all.has(id));
    const missing = team.picks.filter((id) => !all.has(id));
    let ready = sheetReadiness(team.picks, config.team.max_picks);
    if (ready.ok && missing.length) {
      ready = { ok: false, message: 'この住所のチームにない施設が選ばれています。そのチェックを外してください。' };
    }
    const params = sheetParams(team);
    renderPicked(found, missing, all, ready, {
      sheetUrl: api.sheetUrl(params),
      pdfUrl: api.sheetPdfUrl(params),
      onDrop: (id) => pick(id, false),
    });
    syncPicks(team.picks);
    map.setHits(found.map((id) => all.get(id).facility), 1);
    map.setPoint(teamResult.point, { label: '患者さんの場所' });
    if (fit) map.fit(teamResult.point);
  }

  function pick(id, on) {
    setTeam({ picks: togglePick(get().team.picks, id, on) });
    showPicks();
    writeUrl('replace');
  }

  function statusLine(res) {
    const p = res.point || {};
    const g = p.geocoded;
    const where = g ? `${g.normalized || res.ward || ''}（${g.level_label || g.level || ''}で特定）` : '地図で指定した地点';
    const scene = res.scene ? `「${res.scene.label}」の場面で、` : '';
    const date = res.data_date ? `データは ${res.data_date} 時点。` : '';
    const roughly = g && g.level === 'ward' ? '町名までは特定できなかったため、距離は区の代表地点からです。' : '';
    return `${where}について、${scene}役割ごとに探しました。${date}${roughly}`;
  }

  /** Asks the server for the team of the state's home; `history` as app.js's writeUrl. */
  async function run(history) {
    writeForm();
    const d = document.documentElement.dataset;
    if (inflight) inflight.abort();
    const t = get().team;
    if (!hasHome(t)) {
      inflight = null;
      error('');
      clear('患者さんの住所か郵便番号を入れて「探す」を押してください。');
      writeUrl(history);
      done();
      return;
    }
    const ctl = new AbortController();
    inflight = ctl;
    d.teamBusy = 'true';
    $('team-roles').setAttribute('aria-busy', 'true');
    let res;
    try {
      res = await api.team(teamApiParams(t), { signal: ctl.signal });
    } catch (e) {
      if (e.name === 'AbortError' || inflight !== ctl) return;
      inflight = null;
      $('team-roles').removeAttribute('aria-busy');
      error(e.message, e.parameter);
      clear('チームを探せませんでした');
      writeUrl(history);
      done();
      return;
    }
    if (inflight !== ctl) return;
    inflight = null;
    $('team-roles').removeAttribute('aria-busy');
    error('');
    store.update({ teamResult: res });
    remember([...members().values()].map((m) => m.facility));
    renderRoles(get().vocab, res, { onPick: pick, onCompare, onDetail });
    $('team-status').textContent = statusLine(res);
    showPicks({ fit: true });
    afterRender();
    writeUrl(history);
    done();
  }

  function bind() {
    $('team-form').addEventListener('submit', (e) => {
      e.preventDefault();
      setTeam({ address: $('team-address').value.trim(), covers: null, scene: $('team-scene').value });
      run('push');
    });
    $('team-scene').addEventListener('change', () => {
      showSceneExpansion('team-scene', get().vocab);
      setTeam({ address: $('team-address').value.trim(), scene: $('team-scene').value });
      if (hasHome(get().team)) run('push');
      else writeUrl('replace');
    });
  }

  return { bind, run, members };
}
