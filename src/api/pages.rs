//! Crawlable pages: one server-rendered HTML page per facility (`/f/{id}`: name, kinds,
//! address, phone, capabilities with their sources, a link into the map), readable
//! without JavaScript, and `/sitemap.xml` listing them (beyond 50,000, an index of
//! `/sitemaps/sitemap-N.xml` parts), with `/robots.txt` pointing at it. The map page stays the main
//! interface.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::html::esc;
use super::{ApiError, AppState};
use crate::model::{mark_word, Facility};

/// URLs per sitemap file (the sitemaps protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// `scheme://host` of this request, as the client (or the proxy in front) addressed it.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The URL path of a facility's page (ids are percent-encoded).
pub fn page_path(id: &str) -> String {
    let encoded: String = id
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/f/{encoded}")
}

pub async fn facility_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let ord = loaded
        .facility(&id)
        .ok_or_else(|| ApiError::not_found(format!("ID「{id}」の施設は見つかりません。")))?;
    let f = loaded.index.facility(ord);
    let ward = loaded.index.columns.ward[ord as usize].map(|w| loaded.index.regions.full_name(w));
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        render(
            &f,
            ward.as_deref(),
            &loaded.index.meta.built_day().to_string(),
        ),
    )
        .into_response())
}

/// The page of one facility.
pub fn render(f: &Facility, ward: Option<&str>, data_date: &str) -> String {
    let kinds: Vec<&str> = f.kinds.iter().map(|k| k.label()).collect();
    let title = format!("{}（{}）", f.name, kinds.join("・"));
    let map = format!(
        "/?near={:.6},{:.6}&sel={}",
        f.location.lat,
        f.location.lon,
        page_path(&f.id.0).trim_start_matches("/f/")
    );
    let mut html = format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} | 在宅医療・介護 資源マップ</title>\
         <meta name=\"description\" content=\"{d}\">\
         <link rel=\"canonical\" href=\"{canon}\">\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <style>body{{font-family:sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem;line-height:1.6;color:#111}}\
         dt{{font-weight:bold;margin-top:.6rem}}dd{{margin:0}}li{{margin:.2rem 0}}.src{{color:#333;font-size:.9rem}}</style>\
         </head><body><main><h1>{name}</h1><p>{k}</p><dl>",
        t = esc(&title),
        d = esc(&format!("{} {}", title, f.address)),
        canon = esc(&page_path(&f.id.0)),
        name = esc(&f.name),
        k = esc(&kinds.join("・")),
    );
    let row = |html: &mut String, label: &str, value: &str| {
        if !value.is_empty() {
            html.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(label), esc(value)));
        }
    };
    row(&mut html, "所在地", &f.address);
    row(&mut html, "区・市町村", ward.unwrap_or(""));
    if let Some(phone) = &f.phone {
        let tel: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
        html.push_str(&format!(
            "<dt>電話</dt><dd><a href=\"tel:{}\">{}</a></dd>",
            esc(&tel),
            esc(phone)
        ));
    }
    row(&mut html, "FAX", f.fax.as_deref().unwrap_or(""));
    row(
        &mut html,
        "車いす",
        if f.wheelchair.is_some() {
            mark_word(f.wheelchair)
        } else {
            ""
        },
    );
    row(
        &mut html,
        "小児",
        if f.pediatric.is_some() {
            mark_word(f.pediatric)
        } else {
            ""
        },
    );
    html.push_str("</dl><h2>対応できること</h2>");
    if f.capabilities.is_empty() {
        html.push_str("<p>登録はありません。</p>");
    } else {
        html.push_str("<ul>");
        for c in &f.capabilities {
            let sources: Vec<String> = f.claims_for(*c).map(|cl| cl.provenance()).collect();
            let source = if sources.is_empty() {
                f.source_of("capabilities").unwrap_or("").to_string()
            } else {
                sources.join("、")
            };
            html.push_str(&format!(
                "<li>{} <span class=\"src\">（出典: {}）</span></li>",
                esc(c.label()),
                esc(&source)
            ));
        }
        html.push_str("</ul>");
    }
    let sources: Vec<&str> = f.sources.iter().map(|s| s.source.as_str()).collect();
    html.push_str(&format!(
        "<p><a href=\"{}\">地図で見る・近くの施設を探す</a></p>\
         <p class=\"src\">出典: {}。データ: {} 時点。</p></main></body></html>",
        esc(&map),
        esc(&sources.join("、")),
        esc(data_date)
    ));
    html
}

/// `/sitemap.xml`: every facility page, or an index of parts beyond 50,000.
pub async fn sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let base = origin(&headers);
    let n = loaded.index.len();
    let body = if n <= SITEMAP_URLS {
        urlset(&loaded.index, &base, 0..n)
    } else {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for part in 0..n.div_ceil(SITEMAP_URLS) {
            xml.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                esc(&format!("{base}/sitemaps/sitemap-{}.xml", part + 1))
            ));
        }
        xml.push_str("</sitemapindex>\n");
        xml
    };
    Ok(([(header::CONTENT_TYPE, "application/xml")], body).into_response())
}

/// `/sitemaps/sitemap-{n}.xml`: the n-th 50,000 facility pages.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let loaded = state.current()?;
    let n = loaded.index.len();
    let part = file
        .strip_prefix("sitemap-")
        .and_then(|s| s.strip_suffix(".xml"))
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|p| *p >= 1 && (*p - 1) * SITEMAP_URLS < n)
        .ok_or_else(|| ApiError::not_found(format!("「{file}」はありません。")))?;
    let start = (part - 1) * SITEMAP_URLS;
    let body = urlset(
        &loaded.index,
        &origin(&headers),
        start..(start + SITEMAP_URLS).min(n),
    );
    Ok(([(header::CONTENT_TYPE, "application/xml")], body).into_response())
}

fn urlset(index: &crate::index::SearchIndex, base: &str, ords: std::ops::Range<usize>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let lastmod = index.meta.built_day().to_string();
    for ord in ords {
        let id = index.records().id(ord as u32);
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            esc(&format!("{base}{}", page_path(&id))),
            lastmod
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

pub async fn robots(headers: HeaderMap) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nDisallow: /api/\nAllow: /f/\nSitemap: {}/sitemap.xml\n",
            origin(&headers)
        ),
    )
        .into_response()
}
