//! Exports of a search: CSV for Excel (UTF-8 with BOM, Japanese headers) and GeoJSON.
//! Without `limit` an export holds up to the API's maximum page (500 rows).

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::handlers::run_search;
use super::{ApiError, AppState};
use crate::model::{Capability, CapabilityClaim, CapabilityStatus, Kind};
use crate::search::MAX_LIMIT;
use crate::table::write::safe;

const CSV_HEADER: [&str; 19] = [
    "ID",
    "名称",
    "種別",
    "郵便番号",
    "住所",
    "区",
    "電話番号",
    "FAX",
    "距離(m)",
    "説明",
    "機能",
    "機能なし（出典あり）",
    "機能の出典",
    "車いす",
    "小児",
    "新規受入",
    "訪問範囲(km)",
    "更新日",
    "出典",
];

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "○",
        Some(false) => "×",
        None => "",
    }
}

pub async fn search_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let r = run_search(&state, raw, Some(MAX_LIMIT)).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let w = |e: csv::Error| ApiError::internal(&e);
    out.write_record(CSV_HEADER).map_err(w)?;
    for h in &r.result.hits {
        let f = h.facility();
        let labels = |v: Vec<&str>| v.join("・");
        let row: [&str; 19] = [
            f.id.0.as_str(),
            &f.name,
            &labels(f.kinds.iter().map(|k: &Kind| k.label()).collect()),
            f.postal_code.as_deref().unwrap_or(""),
            &f.address,
            h.ward_name.unwrap_or(""),
            f.phone.as_deref().unwrap_or(""),
            f.fax.as_deref().unwrap_or(""),
            &h.distance_m.map_or(String::new(), |d| format!("{d:.0}")),
            &h.explanation,
            &labels(
                f.capabilities
                    .iter()
                    .map(|c: &Capability| c.label())
                    .collect(),
            ),
            // Only what a source says is "no"; a capability no source mentions stays blank.
            &labels(
                Capability::all()
                    .filter(|c| f.capability_status(*c) == CapabilityStatus::No)
                    .map(|c| c.label())
                    .collect(),
            ),
            &f.capability_claims
                .iter()
                .map(CapabilityClaim::describe)
                .collect::<Vec<_>>()
                .join("／"),
            yes_no(f.wheelchair),
            yes_no(f.pediatric),
            f.accepting_new.label(),
            &f.service_radius_km.map_or(String::new(), |r| r.to_string()),
            f.updated_at.as_deref().unwrap_or(""),
            &labels(f.sources.iter().map(|s| s.source.as_str()).collect()),
        ];
        out.write_record(row.iter().map(|c| safe(c).into_owned()))
            .map_err(w)?;
    }
    let bytes = out.into_inner().map_err(|e| ApiError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zaitaku-search.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn search_geojson(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let r = run_search(&state, raw, Some(MAX_LIMIT)).await?;
    let features: Vec<serde_json::Value> = r
        .result
        .hits
        .iter()
        .map(|h| {
            let f = h.facility();
            serde_json::json!({
                "type": "Feature",
                "id": f.id.0,
                "geometry": {"type": "Point", "coordinates": [f.location.lon, f.location.lat]},
                "properties": {
                    "id": f.id.0,
                    "name": f.name,
                    "kinds": f.kinds,
                    "address": f.address,
                    "phone": f.phone,
                    "ward_name": h.ward_name,
                    "capabilities": f.capabilities,
                    "distance_m": h.distance_m,
                    "explanation": h.explanation,
                },
            })
        })
        .collect();
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "total": r.result.total,
        "features": features,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        serde_json::to_vec(&body).map_err(|e| ApiError::internal(&e))?,
    )
        .into_response())
}
