//! A ward's printed lists: `/api/v1/lists/{ward|active}/{code}` as JSON, `.csv` or
//! `.xlsx`, and `/lists/{ward|active}/{code}` as a page to print (A4 landscape).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::html::esc;
use super::{ApiError, AppState};
use crate::lists::{self, WardList};
use crate::model::{Day, WardCode};

/// Which list, for which ward, in which format (from `27114`, `27114.csv`, `27114.xlsx`).
fn list_of(
    state: &AppState,
    which: &str,
    file: &str,
) -> Result<(WardList, bool, &'static str), ApiError> {
    let loaded = state.current()?;
    let index = &loaded.index;
    let (code, format) = match file.rsplit_once('.') {
        Some((c, "csv")) => (c, "csv"),
        Some((c, "xlsx")) => (c, "xlsx"),
        Some((c, "json")) => (c, "json"),
        _ => (file, "json"),
    };
    let ward = code
        .parse::<u32>()
        .ok()
        .map(WardCode)
        .filter(|w| index.regions.leaves_of(*w) == [*w])
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "区・市町村コード「{code}」はこの索引の区・市町村ではありません。"
            ))
        })?;
    let today = Day::today();
    match which {
        "ward" => Ok((lists::ward_list(index, ward, today), false, format)),
        "active" => Ok((lists::active_list(index, ward, today), true, format)),
        _ => Err(ApiError::not_found(format!(
            "リスト「{which}」はありません（ward または active）。"
        ))),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Path((which, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (list, active, format) = list_of(&state, &which, &file)?;
    let name = format!("{}_{}", list.ward, which);
    let attachment = |ext: &str| format!("attachment; filename=\"{name}.{ext}\"");
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, attachment("csv")),
            ],
            lists::to_csv(&list, active),
        )
            .into_response(),
        "xlsx" => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (header::CONTENT_DISPOSITION, attachment("xlsx")),
            ],
            lists::to_xlsx(&list, active).map_err(|e| ApiError::internal(&e))?,
        )
            .into_response(),
        _ => Json(list).into_response(),
    })
}

/// The list as a page to print: a table per kind, A4 landscape, the footer with the data's
/// date and sources. Every value is escaped.
pub async fn print(
    State(state): State<AppState>,
    Path((which, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (list, active, _) = list_of(&state, &which, &code)?;
    let mut html = format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <style>@page{{size:A4 landscape;margin:12mm}}body{{font-family:sans-serif;font-size:10pt}}\
         table{{border-collapse:collapse;width:100%;margin-bottom:1em}}th,td{{border:1px solid #888;padding:2px 4px;text-align:left}}\
         th{{background:#eee}}h2{{font-size:12pt}}footer{{font-size:9pt;color:#333}}</style></head><body>\
         <h1>{t}</h1>",
        t = esc(&list.title)
    );
    // One table per kind, with the list's columns after 種別.
    let (head, rows) = lists::table(&list, active);
    let mut rows = rows.into_iter();
    for s in &list.sections {
        html.push_str(&format!(
            "<h2>{} （{} 件）</h2><table><thead><tr>",
            esc(s.kind),
            s.entries.len()
        ));
        for h in &head[1..] {
            html.push_str(&format!("<th>{h}</th>"));
        }
        html.push_str("</tr></thead><tbody>");
        for row in rows.by_ref().take(s.entries.len()) {
            html.push_str("<tr>");
            for c in &row[1..] {
                html.push_str(&format!("<td>{}</td>", esc(c)));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
    }
    html.push_str(&format!(
        "<footer data-testid=\"list-footer\">{}</footer></body></html>",
        esc(&lists::footer(&list))
    ));
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}
