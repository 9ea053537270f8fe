// The map: a thin wrapper over Leaflet (a global `L` loaded from /vendor/). Everything the
// map shows is also in the list, so when Leaflet is missing the page keeps working without
// it and says so. Background tiles may fail (offline); facilities, the visit circle and
// ward boundaries are vectors and draw regardless.

import { h } from './dom.js';
import { escapeHtml } from './format.js';

const CLUSTER_THRESHOLD = 60;

export class MapView {
  /**
   * @param {HTMLElement} el map container
   * @param {HTMLElement} messageEl status line shown over the map
   * @param {object} handlers onMarkerSelect(id), onMapClick({lat, lon}), onViewChange({z, lat, lon}),
   *   onPointMove({lat, lon})
   */
  constructor(el, messageEl, handlers) {
    this.el = el;
    this.messageEl = messageEl;
    this.h = handlers;
    this.available = typeof window.L !== 'undefined' && typeof window.L.map === 'function';
    this.map = null;
    this.markers = new Map(); // id -> marker
    this.selectedId = null;
    this.layer = null;
    this.extra = null;
    this.visit = null;
    this.boundaries = null;
    this.towns = null; // the town coverage's circles (「地域の状況」)
    this.townMarkers = [];
    this.vocab = null;
    this.picking = false;
    this.tileOk = false;
    this.tileFailed = false;
  }

  /**
   * Draws the map. `config` is /api/v1/config (centre, tiles, attributions, all plain text);
   * `vocab` a Vocab (marker colours, the legal radius). Without them (the page could not
   * load them) there is no map; the page says why elsewhere.
   */
  init(config, vocab) {
    if (!this.available) {
      this.el.classList.add('map-unavailable');
      this.el.replaceChildren(
        h(
          'p',
          { class: 'map-fallback' },
          h('strong', null, '地図を表示できません。'),
          '地図ライブラリ（Leaflet）を読み込めませんでした。検索と一覧はそのまま使えます。',
        ),
      );
      return;
    }
    if (!config || !vocab) return;
    this.vocab = vocab;
    const L = window.L;
    const center = config.center;
    this.map = L.map(this.el, {
      center: [center.lat, center.lon],
      zoom: 12,
      minZoom: 5,
      maxZoom: 18,
      keyboard: true,
      zoomControl: false,
    });
    L.control.zoom({ position: 'topright', zoomInTitle: '拡大', zoomOutTitle: '縮小' }).addTo(this.map);
    this.map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (config.tile_url) {
      const tiles = L.tileLayer(config.tile_url, {
        // Leaflet's attribution is HTML; the server's is plain text.
        attribution: escapeHtml(config.tile_attribution || ''),
        minZoom: 5,
        maxZoom: 18,
        crossOrigin: false,
      });
      tiles.on('tileload', () => {
        this.tileOk = true;
        if (this.tileFailed) this.message('');
      });
      tiles.on('tileerror', () => {
        if (!this.tileOk && !this.tileFailed) {
          this.tileFailed = true;
          this.message('背景地図を読み込めません。施設・区の境界・訪問範囲の円は表示しています。');
        }
      });
      tiles.addTo(this.map);
    }
    if (config.data_attribution) {
      this.map.attributionControl.addAttribution(escapeHtml(config.data_attribution));
    }
    this.layer = L.layerGroup().addTo(this.map);
    this.map.on('click', (e) => {
      if (this.picking) this.h.onMapClick({ lat: e.latlng.lat, lon: e.latlng.lng });
    });
    this.map.on('moveend', () => this.h.onViewChange(this.view()));
    // The map's own keyboard help for screen-reader users.
    this.el.setAttribute(
      'aria-description',
      '矢印キーで移動、＋と−で拡大・縮小。番号つきの印は一覧の番号と同じ施設です。',
    );
  }

  message(text) {
    this.messageEl.textContent = text;
    this.messageEl.hidden = !text;
  }

  view() {
    if (!this.map) return null;
    const c = this.map.getCenter();
    return { z: this.map.getZoom(), lat: c.lat, lon: c.lng };
  }

  setView(v) {
    if (this.map && v) this.map.setView([v.lat, v.lon], v.z, { animate: false });
  }

  setPicking(on) {
    this.picking = on;
    if (this.el) this.el.classList.toggle('picking', on);
  }

  setBoundaries(geojson) {
    if (!this.map || !geojson || !Array.isArray(geojson.features) || !geojson.features.length) return;
    const L = window.L;
    if (this.boundaries) this.boundaries.remove();
    this.boundaries = L.geoJSON(geojson, {
      interactive: false,
      style: { color: '#3d4a5c', weight: 1.5, opacity: 0.9, fillColor: '#3d4a5c', fillOpacity: 0.03, className: 'ward-boundary' },
      onEachFeature: (feature, layer) => {
        const name = feature.properties && feature.properties.name;
        if (!name || !layer.getBounds) return;
        L.tooltip({ permanent: true, direction: 'center', className: 'ward-label', interactive: false })
          .setLatLng(layer.getBounds().getCenter())
          .setContent(escapeHtml(name))
          .addTo(this.boundaryLabels || (this.boundaryLabels = L.layerGroup().addTo(this.map)));
      },
    }).addTo(this.map);
    this.boundaries.bringToBack();
  }

  icon(hit, n) {
    const L = window.L;
    const sel = hit.id === this.selectedId ? ' selected' : '';
    return L.divIcon({
      className: `hit-marker group-${this.vocab.facilityGroup(hit.kinds)}${sel}`,
      html: `<span aria-hidden="true">${n}</span>`,
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      tooltipAnchor: [15, 0],
    });
  }

  /** Shows the hits of the current page, numbered from `first`. */
  setHits(hits, first) {
    if (!this.map) return;
    const L = window.L;
    this.layer.remove();
    this.markers.clear();
    // Clustered whenever the plugin is there: with few hits only markers that overlap join
    // (facilities placed at the same 町丁目 point), and a click on them spreads them out.
    this.layer =
      typeof L.markerClusterGroup === 'function'
        ? L.markerClusterGroup({
            maxClusterRadius: hits.length > CLUSTER_THRESHOLD ? 45 : 20,
            chunkedLoading: true,
            showCoverageOnHover: false,
            iconCreateFunction: (c) => {
              const n = c.getChildCount();
              return L.divIcon({
                className: 'hit-cluster',
                html: `<span aria-hidden="true">${n}</span><span class="visually-hidden">${n} 件の施設（拡大して表示）</span>`,
                iconSize: [36, 36],
                iconAnchor: [18, 18],
              });
            },
          })
        : L.featureGroup();
    hits.forEach((hit, i) => {
      if (!hit.location) return;
      const n = first + i;
      const m = L.marker([hit.location.lat, hit.location.lon], {
        icon: this.icon(hit, n),
        title: `${n}. ${hit.name}`,
        keyboard: true,
        riseOnHover: true,
      });
      m.on('click', () => this.h.onMarkerSelect(hit.id));
      // A marker is a role=button div: Enter and Space activate it, like a button.
      m.on('keydown', (e) => {
        const k = e.originalEvent && e.originalEvent.key;
        if (k === 'Enter' || k === ' ') {
          e.originalEvent.preventDefault();
          this.h.onMarkerSelect(hit.id);
        }
      });
      m.on('add', () => this.markClass(hit.id));
      this.markers.set(hit.id, m);
      this.layer.addLayer(m);
    });
    this.layer.addTo(this.map);
  }

  markClass(id) {
    const m = this.markers.get(id);
    const el = m && m.getElement();
    if (el) el.classList.toggle('selected', id === this.selectedId);
  }

  /** Highlights a facility; `pan` brings it into view. `hit` is used when it is not on this page. */
  select(id, { pan = false, hit = null, rightInset = 0 } = {}) {
    if (!this.map) return;
    const prev = this.selectedId;
    this.selectedId = id;
    if (prev) {
      this.markClass(prev);
      const pm = this.markers.get(prev);
      if (pm) pm.setZIndexOffset(0);
    }
    if (this.extra) {
      this.extra.remove();
      this.extra = null;
    }
    if (!id) return;
    let m = this.markers.get(id);
    if (!m && hit && hit.location) {
      const L = window.L;
      m = L.marker([hit.location.lat, hit.location.lon], {
        icon: L.divIcon({ className: 'hit-marker extra selected', html: '<span aria-hidden="true">★</span>', iconSize: [30, 30], iconAnchor: [15, 15] }),
        title: hit.name,
        keyboard: true,
      }).addTo(this.map);
      this.extra = m;
    }
    if (!m) return;
    this.markClass(id);
    m.setZIndexOffset(1000);
    if (!pan) return;
    const ll = m.getLatLng();
    const go = () => {
      if (this.map.getZoom() < 13) this.map.setView(ll, 14, { animate: false });
      const size = this.map.getSize();
      const right = Math.min(rightInset, size.x - 120);
      this.map.panInside(ll, { paddingTopLeft: [50, 50], paddingBottomRight: [right + 50, 50], animate: false });
    };
    if (this.layer.zoomToShowLayer && this.markers.get(id) === m) {
      this.layer.zoomToShowLayer(m, go);
    } else {
      go();
    }
  }

  /**
   * The search point: in visit mode the patient's point (draggable) with the legal-radius
   * circle (vocabulary's legal_radius_km); otherwise the searched address as a plain pin.
   * `null` removes it. `label` names a plain pin (the team view's 患者さんの場所).
   */
  setPoint(point, { visit = false, label = null } = {}) {
    if (!this.map) return;
    const L = window.L;
    if (this.visit) {
      this.visit.remove();
      this.visit = null;
      this.visitCircle = null;
    }
    if (!point) return;
    const ll = [point.lat, point.lon];
    const pin = L.marker(ll, {
      icon: L.divIcon({
        className: visit ? 'home-marker' : 'home-marker search-point',
        html: `<span aria-hidden="true">${visit ? '⌂' : '◎'}</span>`,
        iconSize: [34, 34],
        iconAnchor: [17, 17],
      }),
      title: visit ? '患者さんの場所（ドラッグで動かせます）' : label || '検索した地点',
      keyboard: visit,
      interactive: visit,
      draggable: visit,
      zIndexOffset: 2000,
    });
    const layers = [pin];
    if (visit) {
      pin.on('dragend', () => {
        const p = pin.getLatLng();
        this.h.onPointMove({ lat: p.lat, lon: p.lng });
      });
      this.visitCircle = L.circle(ll, {
        radius: this.vocab.legalRadiusKm * 1000,
        className: 'visit-circle',
        interactive: false,
        color: '#b3261e',
        weight: 2,
        dashArray: '6 4',
        fillColor: '#b3261e',
        fillOpacity: 0.05,
      });
      layers.unshift(this.visitCircle);
    }
    this.visit = L.featureGroup(layers).addTo(this.map);
  }

  /**
   * The town coverage of 「地域の状況」: one circle per 町丁目 point `{lat, lon, bucket, title,
   * thin}`, coloured by its bucket (style.css `.town-bN`); the thin ones larger with a dark
   * ring and drawn on top. A click calls `onSelect(i)`. An empty list removes them.
   */
  setTowns(points, { onSelect } = {}) {
    if (!this.map) return;
    const L = window.L;
    if (this.towns) this.towns.remove();
    this.towns = null;
    this.townMarkers = [];
    if (!points || !points.length) return;
    this.townMarkers = points.map((t, i) => {
      const m = L.circleMarker([t.lat, t.lon], {
        radius: t.thin ? 9 : 6,
        weight: t.thin ? 3 : 1.5,
        className: `town-marker town-b${t.bucket}${t.thin ? ' town-thin' : ''}`,
        bubblingMouseEvents: false,
      });
      m.bindTooltip(escapeHtml(t.title), { direction: 'top', offset: [0, -6] });
      m.on('click', () => onSelect && onSelect(i));
      return m;
    });
    this.towns = L.featureGroup(this.townMarkers).addTo(this.map);
    this.townMarkers.forEach((m, i) => {
      const el = m.getElement && m.getElement();
      if (el) el.setAttribute('data-town', String(i)); // the town's index (tests, the lists' data-town)
      if (points[i].thin) m.bringToFront();
    });
  }

  /** Marks town `i` (an index of the last setTowns) as the chosen one; null unmarks. */
  selectTown(i) {
    this.townMarkers.forEach((m, j) => {
      const el = m.getElement && m.getElement();
      if (el) el.classList.toggle('town-selected', j === i);
      if (j === i) m.bringToFront();
    });
  }

  /** Fits the view to the town coverage's circles, `bottom` px kept clear (the legend). */
  fitTowns({ bottom = 0 } = {}) {
    if (!this.map || !this.towns) return;
    this.map.invalidateSize({ animate: false });
    this.map.fitBounds(this.towns.getBounds(), {
      paddingTopLeft: [20, 20],
      paddingBottomRight: [20, bottom + 20],
      maxZoom: 15,
      animate: false,
    });
  }

  /** Fits the view to the shown facilities and the point, if any. */
  fit(point) {
    if (!this.map) return;
    const L = window.L;
    this.map.invalidateSize({ animate: false });
    const lls = [...this.markers.values()].map((m) => m.getLatLng());
    if (point) lls.push(L.latLng(point.lat, point.lon));
    if (!lls.length) {
      if (point && this.visitCircle) this.map.fitBounds(this.visitCircle.getBounds(), { animate: false });
      return;
    }
    if (lls.length === 1) {
      this.map.setView(lls[0], 15, { animate: false });
      return;
    }
    this.map.fitBounds(L.latLngBounds(lls), { padding: [30, 30], maxZoom: 15, animate: false });
  }

  invalidate() {
    if (this.map) this.map.invalidateSize();
  }
}
