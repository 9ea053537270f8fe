//! Exports of a search: CSV for Excel (UTF-8 with BOM, Japanese headers), GeoJSON and
//! xlsx. With `limit` an export is that page; without, every match, streamed: the server
//! holds one small entry per match and a few chunks of rows, never every record.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use super::handlers::{ask, run_search};
use super::params::{pairs, search_params};
use super::{ApiError, AppState};
use crate::model::{Capability, CapabilityClaim, CapabilityStatus, Kind};
use crate::search::{search_all, Hit, Resolved, SearchQuery, View};
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

/// One CSV row of a hit.
fn csv_row(h: &Hit) -> Vec<String> {
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
    row.iter().map(|c| safe(c).into_owned()).collect()
}

/// One GeoJSON feature of a hit.
fn feature(h: &Hit) -> serde_json::Value {
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
}

/// Rows a chunk holds before it is sent.
const CHUNK_ROWS: usize = 256;

/// The receiving end of a bounded channel as a body stream.
struct Chunks(tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<bytes::Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// A body written on the blocking pool, chunk by chunk through a bounded channel: the
/// server holds a few chunks, never the whole export. `write` gets a sender that says
/// false once the client is gone.
fn streamed(
    write: impl FnOnce(&mut dyn FnMut(Vec<u8>) -> bool) + Send + 'static,
) -> axum::body::Body {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        write(&mut |chunk: Vec<u8>| tx.blocking_send(Ok(chunk.into())).is_ok());
    });
    axum::body::Body::from_stream(Chunks(rx))
}

/// The search of an export: with `limit`, that page (as `/search`); without, every match.
enum Export {
    Page(super::dto::SearchResponse),
    All(Arc<super::state::Loaded>, SearchQuery),
}

async fn export(state: &AppState, raw: Option<String>) -> Result<Export, ApiError> {
    let p = search_params(pairs(raw.as_deref())?)?;
    if p.limit.is_some() {
        let asked = ask(state, raw.as_deref(), Some(View::Full))?;
        return Ok(Export::Page(run_search(asked).await?));
    }
    let loaded = state.current()?;
    let Resolved { mut query, .. } = SearchQuery::resolve(&p, &loaded.index)?;
    // Every column comes from the whole record, whatever view the query names.
    query.view = View::Full;
    Ok(Export::All(loaded, query))
}

fn attachment(kind: &'static str, name: &'static str, body: axum::body::Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// CSV for Excel (UTF-8 with BOM, Japanese headers): the page asked for, or every match.
pub async fn search_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let export = export(&state, raw).await?;
    let body = streamed(move |send| {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let _ = out.write_record(CSV_HEADER);
        // Each chunk is what one writer wrote; the next chunk gets a new writer.
        let mut flush = |out: &mut csv::Writer<Vec<u8>>| -> bool {
            let full = std::mem::replace(out, csv::Writer::from_writer(Vec::new()));
            send(full.into_inner().unwrap_or_default())
        };
        let mut rows = 0;
        let mut write = |h: &Hit,
                         out: &mut csv::Writer<Vec<u8>>,
                         flush: &mut dyn FnMut(&mut csv::Writer<Vec<u8>>) -> bool|
         -> bool {
            let _ = out.write_record(csv_row(h));
            rows += 1;
            rows % CHUNK_ROWS != 0 || flush(out)
        };
        match &export {
            Export::Page(r) => {
                for h in &r.result.hits {
                    if !write(h, &mut out, &mut flush) {
                        return;
                    }
                }
            }
            Export::All(loaded, q) => match search_all(&loaded.index, q) {
                Ok(all) => {
                    for h in all.iter() {
                        if !write(&h, &mut out, &mut flush) {
                            return;
                        }
                    }
                }
                Err(e) => tracing::error!(cause = %e, "export failed"),
            },
        }
        flush(&mut out);
    });
    Ok(attachment(
        "text/csv; charset=utf-8",
        "attachment; filename=\"zaitaku-search.csv\"",
        body,
    ))
}

/// GeoJSON: the page asked for, or every match.
pub async fn search_geojson(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let export = export(&state, raw).await?;
    let body = streamed(move |send| {
        let write_all = |hits: &mut dyn Iterator<Item = Hit>,
                         total: usize,
                         send: &mut dyn FnMut(Vec<u8>) -> bool| {
            let mut buf =
                format!("{{\"type\":\"FeatureCollection\",\"total\":{total},\"features\":[")
                    .into_bytes();
            for (i, h) in hits.enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                let _ = serde_json::to_writer(&mut buf, &feature(&h));
                if (i + 1) % CHUNK_ROWS == 0 && !send(std::mem::take(&mut buf)) {
                    return;
                }
            }
            buf.extend_from_slice(b"]}");
            send(buf);
        };
        match &export {
            Export::Page(r) => write_all(&mut r.result.hits.iter().cloned(), r.result.total, send),
            Export::All(loaded, q) => match search_all(&loaded.index, q) {
                Ok(all) => write_all(&mut all.iter(), all.len(), send),
                Err(e) => tracing::error!(cause = %e, "export failed"),
            },
        }
    });
    Ok(attachment(
        "application/geo+json",
        "attachment; filename=\"zaitaku-search.geojson\"",
        body,
    ))
}

/// xlsx (A4 landscape, every cell text): the page asked for, or every match. The sheet is
/// written row by row to a temporary file (constant memory), then sent.
pub async fn search_xlsx(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let export = export(&state, raw).await?;
    let bytes =
        tokio::task::spawn_blocking(move || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet_with_constant_memory()?;
            sheet.set_name("検索結果")?;
            sheet.set_landscape();
            sheet.set_paper_size(9);
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in CSV_HEADER.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            let mut row = 1u32;
            let mut write = |h: &Hit| -> Result<(), rust_xlsxwriter::XlsxError> {
                for (c, v) in csv_row(h).iter().enumerate() {
                    sheet.write_string(row, c as u16, v)?;
                }
                row += 1;
                Ok(())
            };
            match &export {
                Export::Page(r) => r.result.hits.iter().try_for_each(&mut write)?,
                Export::All(loaded, q) => {
                    let all = search_all(&loaded.index, q)
                        .map_err(|e| rust_xlsxwriter::XlsxError::ParameterError(e.to_string()))?;
                    all.iter().try_for_each(|h| write(&h))?;
                }
            }
            book.save_to_buffer()
        })
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::internal(&e))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "attachment; filename=\"zaitaku-search.xlsx\"",
        axum::body::Body::from(bytes),
    ))
}
