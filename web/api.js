// Calls to the JSON API under /api/v1. Errors come back as
// {"error": {"code", "message" (Japanese, shown to people), "parameter"}}.

export class ApiError extends Error {
  constructor(message, { status = 0, code = 'internal', parameter = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.parameter = parameter;
  }
}

export async function getJson(path, { signal } = {}) {
  let res;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' }, credentials: 'omit' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('サーバーに接続できませんでした。時間をおいて再度お試しください。', { code: 'network' });
  }
  let body;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = body && body.error;
    const message = (err && err.message) || `サーバーでエラーが起きました（HTTP ${res.status}）。`;
    throw new ApiError(message, {
      status: res.status,
      code: (err && err.code) || 'internal',
      parameter: (err && err.parameter) || null,
    });
  }
  if (body === null) throw new ApiError('サーバーの応答を読み取れませんでした。', { status: res.status });
  return body;
}

import { listView } from './records.js';

export const api = {
  config: () => getJson('/api/v1/config'),
  vocabulary: () => getJson('/api/v1/vocabulary'),
  regionsGeojson: () => getJson('/api/v1/regions.geojson'),
  /** A search in the list view: what a row shows (the panels fetch whole records). */
  search: (params, opts) => getJson(`/api/v1/search?${listView(params)}`, opts),
  facility: (id, opts) => getJson(`/api/v1/facilities/${encodeURIComponent(id)}`, opts),
  nearby: (id, params, opts) =>
    getJson(`/api/v1/facilities/${encodeURIComponent(id)}/nearby?${listView(params)}`, opts),
  csvUrl: (params) => `/api/v1/search.csv?${params}`,
  team: (params, opts) => getJson(`/api/v1/team?${params}`, opts),
  sheetUrl: (params) => `/team/sheet?${params}`,
  sheetPdfUrl: (params) => `/api/v1/team/sheet.pdf?${params}`,
  coverageRegions: (opts) => getJson('/api/v1/coverage/regions', opts),
  coverageRules: (opts) => getJson('/api/v1/coverage/rules', opts),
  coverageChanges: (opts) => getJson('/api/v1/coverage/changes', opts),
  coverageTowns: (role, opts) => getJson(`/api/v1/coverage/towns?role=${encodeURIComponent(role)}`, opts),
  /** The download of the supply table (`csv` or `xlsx`). */
  regionsFileUrl: (ext) => `/api/v1/coverage/regions.${ext}`,
  /** The download of one role's town coverage (`csv` or `xlsx`). */
  townsFileUrl: (ext, role) => `/api/v1/coverage/towns.${ext}?role=${encodeURIComponent(role)}`,
};
