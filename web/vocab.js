// Lookup tables over GET /api/v1/vocabulary: every label, short label and colour group the
// page shows comes from there (kinds, capabilities, places, 新規受入 statuses, the
// 車いす/小児 flags, field names, care scenes, the legal visit radius). The page keeps no copy of them;
// an unknown code shows as itself. No DOM (unit-tested in test/vocab.test.mjs).

const byCode = (list) => new Map((list || []).map((x) => [x.code, x]));

export class Vocab {
  constructor(v) {
    this.raw = v;
    this.kinds = byCode(v.kinds);
    this.caps = byCode(v.capabilities);
    // Wards and undivided 市町村, and designated cities as a whole (27100 大阪市).
    this.wards = new Map(
      [...(v.municipalities || []), ...(v.wards || [])].map((w) => [String(w.code), w]),
    );
    this.areas = byCode([...(v.kihon_areas || []), ...(v.niji_areas || [])]);
    this.accepting = byCode(v.accepting);
    this.flags = byCode(v.flags);
    /** Care scenes (入退院支援, 急変時の対応 …): {code, label, description, expands_to}. */
    this.scenes = byCode(v.scenes);
    this.fields = new Map((v.field_labels || []).map((f) => [f.field, f.label]));
    /** The legal upper limit of a home visit's distance, in km (the map's circle). */
    this.legalRadiusKm = v.legal_radius_km;
  }
  kindLabel(code) {
    const k = this.kinds.get(code);
    return k ? k.label : code;
  }
  kindShort(code) {
    const k = this.kinds.get(code);
    return k ? k.short || k.label : code;
  }
  /** The colour group of one kind (medical, dental, …; `other` when the kind has none). */
  kindGroup(code) {
    const k = this.kinds.get(code);
    return (k && k.group) || 'other';
  }
  /** The colour group of a facility's markers and number badges: its first kind that has one. */
  facilityGroup(kinds) {
    for (const code of kinds || []) {
      const g = this.kindGroup(code);
      if (g !== 'other') return g;
    }
    return 'other';
  }
  capLabel(code) {
    const c = this.caps.get(code);
    return c ? c.label : code;
  }
  capShort(code) {
    const c = this.caps.get(code);
    return c ? c.short || c.label : code;
  }
  wardName(code) {
    const w = this.wards.get(String(code));
    return w ? w.name : String(code);
  }
  areaLabel(code) {
    const a = this.areas.get(code);
    return a ? a.label : code;
  }
  /** 新規受入 status (`yes`, `no`, `unknown`) as the server words it. */
  acceptingLabel(code) {
    const a = this.accepting.get(code);
    return a ? a.label : code;
  }
  acceptingShort(code) {
    const a = this.accepting.get(code);
    return a ? a.short || a.label : code;
  }
  /** A yes/no facility flag (`wheelchair`, `pediatric`): its filter and badge text. */
  flagShort(code) {
    const f = this.flags.get(code);
    return f ? f.short || f.label : code;
  }
  flagLabel(code) {
    const f = this.flags.get(code);
    return f ? f.label : code;
  }
  sceneLabel(code) {
    const sc = this.scenes.get(code);
    return sc ? sc.label : code;
  }
  /** What a scene asks of each kind, in words (「診療所: 往診・24時間対応、…」); '' when unknown. */
  sceneExpands(code) {
    const sc = this.scenes.get(code);
    return (sc && sc.expands_to) || '';
  }
  /** The name of a facility field (`phone` → 電話), as in the detail panel and sources. */
  fieldLabel(field) {
    return this.fields.get(field) || field;
  }
}
