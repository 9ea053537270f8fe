//! The planners' view: supply per area (`/api/v1/coverage/regions`, `.csv`, `.xlsx`), the
//! prefecture's rule checked (`/coverage/rules`), town coverage (`/coverage/towns`, GeoJSON,
//! `.csv`, `.xlsx`; `role=` one of the town metrics) and what changed since an older
//! generation (`/coverage/changes?since=`).

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::params::{pairs, Pair};
use super::{ApiError, AppState};
use crate::coverage::{changes, rules, supply};
use crate::index::coverage::TownCoverage;
use crate::index::SearchIndex;
use crate::model::metric::{town_metrics, Metric};
use crate::model::Day;
use crate::table::write::{to_csv, to_xlsx, SheetLayout};

/// `regions`, `regions.csv`, `regions.xlsx` → (`regions`, format).
fn split(file: &str) -> (&str, &str) {
    match file.rsplit_once('.') {
        Some((n, f @ ("csv" | "xlsx" | "json" | "geojson"))) => (n, f),
        _ => (file, "json"),
    }
}

fn download(bytes: Vec<u8>, name: &str, format: &str) -> Response {
    let kind = if format == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Only the named parameters, each once.
fn only<'a>(raw: Option<&'a str>, allowed: &[&str]) -> Result<Vec<Pair<'a>>, ApiError> {
    let p = pairs(raw)?;
    for (i, (k, _)) in p.iter().enumerate() {
        if !allowed.contains(&k.as_ref()) {
            return Err(ApiError::unknown_parameter(k));
        }
        if p[..i].iter().any(|(x, _)| x == k) {
            return Err(ApiError::duplicate_parameter(k));
        }
    }
    Ok(p)
}

pub async fn coverage(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let (what, format) = split(&file);
    match (what, format) {
        ("regions", "json" | "csv" | "xlsx") => {
            only(raw.as_deref(), &[])?;
            let s = supply::supply(&loaded.index, Day::today());
            if format == "json" {
                return Ok(Json(s).into_response());
            }
            let (head, rows) = supply::table(&s);
            let footer = format!("データ: {} 時点（{}）", s.data_date, s.sources.join("、"));
            Ok(match format {
                "csv" => download(to_csv(&head, &rows, Some(&footer)), "supply", "csv"),
                _ => {
                    let layout = SheetLayout {
                        name: "地域の資源量",
                        title: "地域の在宅医療・介護資源（区・医療圏ごと）",
                        footer: &footer,
                        landscape: true,
                        widths: &[14.0, 10.0, 24.0],
                    };
                    let bytes = to_xlsx(&layout, &head, &rows).map_err(|e| ApiError::internal(&e))?;
                    download(bytes, "supply", "xlsx")
                }
            })
        }
        ("rules", "json") => {
            only(raw.as_deref(), &[])?;
            let checks = rules::check(&loaded.index);
            let failing = checks.iter().filter(|c| !c.ok).count();
            Ok(Json(json!({
                "data_date": loaded.index.meta.built_day().to_string(),
                "failing": failing,
                "levels": supply::LEVELS,
                "checks": checks,
            }))
            .into_response())
        }
        ("towns", "json" | "geojson" | "csv" | "xlsx") => {
            let p = only(raw.as_deref(), &["role"])?;
            let metric = town_metric(p.first().map(|(_, v)| v.as_ref()))?;
            let coverage = loaded.index.coverage.clone().ok_or_else(|| {
                ApiError::not_found(
                    "この索引には町丁目の参照表がないため、町丁目ごとの状況はありません。",
                )
            })?;
            towns(&loaded.index, &coverage, metric, format)
        }
        ("changes", "json") => {
            let p = only(raw.as_deref(), &["since"])?;
            let since = p.first().map(|(_, v)| v.to_string());
            let link = state.index_link().to_path_buf();
            let now = loaded.clone();
            tokio::task::spawn_blocking(move || {
                let old = older(&link, &now.index, since.as_deref())?;
                Ok(Json(changes::diff(&old, &now.index)).into_response())
            })
            .await
            .map_err(|e| ApiError::internal(&e))?
        }
        _ => Err(ApiError::not_found(format!(
            "「{file}」はありません（regions, regions.csv, regions.xlsx, rules, towns, towns.csv, towns.xlsx, changes）。"
        ))),
    }
}

fn town_metric(v: Option<&str>) -> Result<&'static Metric, ApiError> {
    let v = v.unwrap_or("home_visit");
    town_metrics().find(|m| m.code == v).ok_or_else(|| {
        let valid: Vec<String> = town_metrics()
            .map(|m| format!("{}（{}）", m.code, m.label))
            .collect();
        ApiError::parameter(
            "unknown_value",
            "role",
            format!(
                "「role」の値「{v}」は使えません。使える値: {}",
                valid.join("、")
            ),
        )
    })
}

fn towns(
    index: &SearchIndex,
    coverage: &TownCoverage,
    metric: &Metric,
    format: &str,
) -> Result<Response, ApiError> {
    let slot = coverage
        .slot(&metric.code)
        .ok_or_else(|| ApiError::not_found("この索引はこの指標を町丁目ごとに数えていません。"))?;
    let ward = |code: u32| index.regions.full_name(crate::model::WardCode(code));
    if format == "json" || format == "geojson" {
        let features: Vec<Value> = coverage
            .towns
            .iter()
            .map(|t| {
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [t.lon, t.lat]},
                    "properties": {
                        "code": t.code,
                        "ward": ward(t.code),
                        "town": t.name,
                        "count": t.counts[slot],
                        "nearest_m": t.nearest_m[slot].map(|d| d.round()),
                    }
                })
            })
            .collect();
        return Ok((
            [(header::CONTENT_TYPE, "application/geo+json")],
            Json(json!({
                "type": "FeatureCollection",
                "metric": {"code": metric.code, "label": metric.label, "query": metric.query()},
                "data_date": index.meta.built_day().to_string(),
                "features": features,
            })),
        )
            .into_response());
    }
    let head = [
        "区・市町村コード",
        "区・市町村",
        "町丁目",
        "緯度",
        "経度",
        "訪問できる施設数",
        "最寄りまでの距離（m）",
    ];
    let rows: Vec<Vec<String>> = coverage
        .towns
        .iter()
        .map(|t| {
            vec![
                t.code.to_string(),
                ward(t.code),
                t.name.clone(),
                format!("{:.6}", t.lat),
                format!("{:.6}", t.lon),
                t.counts[slot].to_string(),
                t.nearest_m[slot].map_or(String::new(), |d| format!("{d:.0}")),
            ]
        })
        .collect();
    let footer = format!(
        "{}: 訪問範囲にこの町丁目を含む施設の数（データ: {} 時点）",
        metric.label,
        index.meta.built_day()
    );
    let name = format!("towns_{}", metric.code);
    Ok(match format {
        "csv" => download(to_csv(&head, &rows, Some(&footer)), &name, "csv"),
        _ => {
            let title = format!("町丁目ごとの状況: {}", metric.label);
            let layout = SheetLayout {
                name: "町丁目",
                title: &title,
                footer: &footer,
                landscape: false,
                widths: &[10.0, 20.0, 20.0, 11.0, 11.0, 10.0, 12.0],
            };
            let bytes = to_xlsx(&layout, &head, &rows).map_err(|e| ApiError::internal(&e))?;
            download(bytes, &name, "xlsx")
        }
    })
}

/// The older generation to compare with: `since` (a generation directory beside the
/// served one), or the newest one before it.
fn older(
    link: &std::path::Path,
    now: &SearchIndex,
    since: Option<&str>,
) -> Result<SearchIndex, ApiError> {
    let root = link.parent().unwrap_or(std::path::Path::new("."));
    let name = link
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let current = Some(changes::generation_name(&now.dir));
    let mut all = crate::index::generations(root, &name);
    all.sort();
    let others: Vec<String> = all
        .into_iter()
        .map(|(_, n)| n)
        .filter(|n| Some(n) != current.as_ref())
        .collect();
    let pick = match since {
        Some(s) => others.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            ApiError::parameter(
                "unknown_value",
                "since",
                format!(
                    "「since」の値「{s}」は使えません。使える値: {}",
                    if others.is_empty() {
                        "（前回の世代がありません）".to_string()
                    } else {
                        others.join("、")
                    }
                ),
            )
        })?,
        None => others.last().cloned().ok_or_else(|| {
            ApiError::not_found(
                "比べる前回の索引（世代）がありません。索引を作り直すと前回分が残ります。",
            )
        })?,
    };
    SearchIndex::open(&root.join(&pick)).map_err(|e| ApiError::internal(&e))
}
