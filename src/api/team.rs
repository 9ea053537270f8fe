//! The home-care team for one address (`/api/v1/team`) and its referral sheet, as a page
//! to print (`/team/sheet`) and as a PDF (`/api/v1/team/sheet.pdf`). Every answer holds a
//! patient's home: none is cached (`no-store`), none is kept, the address is not logged.

use std::sync::{Arc, OnceLock};

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::html::esc;
use super::params::{pairs, team_params};
use super::{ApiError, AppState};
use crate::team::pdf::{render, SheetFont};
use crate::team::sheet::{sheet, Sheet, SheetError};
use crate::team::{find, TeamQuery};

const NO_STORE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-store");

pub async fn team(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let (p, picks) = team_params(pairs(raw.as_deref())?)?;
    if let Some(first) = picks.first() {
        return Err(ApiError::parameter(
            "unknown_parameter",
            "pick",
            format!("「pick」（{first}）はシート（/api/v1/team/sheet.pdf）で使います。"),
        ));
    }
    let (q, point) = TeamQuery::resolve(&p, &loaded.index)?;
    let team = tokio::task::spawn_blocking(move || find(&loaded.index, &q, point))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::internal(&e))?;
    Ok(([NO_STORE], Json(team)).into_response())
}

/// The sheet for a query string: the team's parameters plus `pick` (facility ids).
async fn sheet_of(state: &AppState, raw: Option<String>) -> Result<Sheet, ApiError> {
    let loaded = state.current()?;
    let (p, picks) = team_params(pairs(raw.as_deref())?)?;
    let (q, point) = TeamQuery::resolve(&p, &loaded.index)?;
    tokio::task::spawn_blocking(move || sheet(&loaded.index, &q, point, &picks))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| match e {
            SheetError::Search(e) => ApiError::internal(&e),
            SheetError::NoPick => ApiError::parameter("missing_parameter", "pick", e.message()),
            SheetError::TooMany(_) => ApiError::parameter("out_of_range", "pick", e.message()),
            SheetError::NotInTeam(_) => ApiError::parameter("unknown_value", "pick", e.message()),
        })
}

/// The font, read once (a 6 MB file).
fn font() -> Result<Arc<SheetFont>, ApiError> {
    static FONT: OnceLock<Result<Arc<SheetFont>, String>> = OnceLock::new();
    FONT.get_or_init(|| SheetFont::find().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| {
            tracing::error!("referral sheet PDF: {e}");
            ApiError::missing_part(
                "PDF 用の日本語フォントがありません（管理者: scripts/setup.sh で fonts-ipafont-gothic を入れてください）。印刷用ページは使えます。",
            )
        })
}

pub async fn sheet_pdf(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let font = font()?;
    let sheet = sheet_of(&state, raw).await?;
    let pdf = tokio::task::spawn_blocking(move || render(&sheet, &font))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            NO_STORE,
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"referral-sheet.pdf\"",
            ),
        ],
        pdf,
    )
        .into_response())
}

/// The sheet as a page to print: A4 portrait, black on white, large type.
pub async fn sheet_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = raw.clone().unwrap_or_default();
    let sheet = sheet_of(&state, raw).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), NO_STORE],
        sheet_html(&sheet, &query),
    )
        .into_response())
}

/// The print page. `query` is the page's own query string, for the PDF link.
pub fn sheet_html(sheet: &Sheet, query: &str) -> String {
    let mut html = format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title>\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <style>@page{{size:A4 portrait;margin:12mm}}\
         body{{font-family:'IPAGothic','Noto Sans CJK JP',sans-serif;font-size:11pt;color:#000;background:#fff;max-width:186mm;margin:0 auto}}\
         h1{{font-size:17pt;margin:0 0 4pt}}.meta{{margin:2pt 0}}\
         .name-box{{border:1.5pt solid #000;height:26pt;padding:3pt;margin:6pt 0}}\
         .entries{{display:grid;grid-template-columns:1fr 1fr;gap:6pt}}\
         .entry{{border:1pt solid #000;padding:4pt;break-inside:avoid}}\
         .entry h2{{font-size:12.5pt;margin:0 0 2pt}}.entry p{{margin:1pt 0}}.tel{{font-weight:bold;font-size:12pt}}\
         footer{{font-size:9pt;margin-top:6pt}}.actions{{margin:8pt 0}}\
         @media print{{.actions{{display:none}}}}</style></head><body>\
         <nav class=\"actions\"><a href=\"/api/v1/team/sheet.pdf?{q}\" data-testid=\"sheet-pdf\">PDF をダウンロード</a>\
         （印刷はブラウザの印刷機能で。A4 縦 1 枚）</nav>\
         <h1>{t}</h1>",
        t = esc(&sheet.title),
        q = esc(query),
    );
    html.push_str(&format!(
        "<p class=\"meta\">作成日: {}　対象地域: {}</p>",
        esc(&sheet.today),
        esc(&sheet.area)
    ));
    if let Some(scene) = &sheet.scene {
        html.push_str(&format!("<p class=\"meta\">場面: {}</p>", esc(scene)));
    }
    html.push_str(
        "<div class=\"name-box\" data-testid=\"patient-name-box\">患者氏名（手書きで記入）</div>\
         <section class=\"entries\">",
    );
    for (n, e) in sheet.entries.iter().enumerate() {
        html.push_str(&format!(
            "<article class=\"entry\" data-testid=\"sheet-entry\"><h2>{n}. 【{role}】{name}</h2>\
             <p>{kind}　距離 {dist}</p><p>新規受入 {acc}　確認日 {checked}</p><p>住所 {addr}</p>\
             <p class=\"tel\">電話 {phone}</p><p class=\"tel\">FAX {fax}</p>",
            n = n + 1,
            role = esc(&e.role),
            name = esc(&e.name),
            kind = esc(&e.kind),
            dist = esc(&e.distance),
            acc = esc(&e.accepting),
            checked = esc(&e.checked),
            addr = esc(&e.address),
            phone = esc(&e.phone),
            fax = esc(&e.fax),
        ));
        if let Some(c) = &e.contact {
            html.push_str(&format!("<p>連絡先 {}</p>", esc(c)));
        }
        html.push_str(&format!("<p>理由 {}</p>", esc(&e.reason)));
        if !e.lacks.is_empty() {
            html.push_str(&format!("<p>不足 {}</p>", esc(&e.lacks.join("・"))));
        }
        html.push_str("</article>");
    }
    html.push_str(&format!(
        "</section><footer data-testid=\"sheet-footer\"><p>{}</p>\
         <p>このシートは検索のたびに作成され、保存されません。患者の住所・氏名は記録しません。</p></footer></body></html>",
        esc(&sheet.footer())
    ));
    html
}
