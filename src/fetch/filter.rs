//! Keeping only the dataset's municipalities in a downloaded file, per official layout.
//! National files shrink to the rows the importers need; the output is UTF-8 whatever the
//! download's encoding, with the original header (KEN_ALL stays headerless).

use std::path::Path;

use serde_json::Value;

use crate::import::manifest::{FileKind, Manifest, ReferenceFormat, SourceFormat};
use crate::model::PREFECTURE_NAMES;
use crate::table::decode::decode;
use crate::table::{Col, ImportError, Row, Table};

/// The file to write, and how many rows (features) were kept and dropped; counts are `None`
/// when the file is kept whole.
pub(super) struct Filtered {
    pub bytes: Vec<u8>,
    pub kept: Option<usize>,
    pub dropped: Option<usize>,
}

pub(super) fn filter(
    kind: FileKind,
    manifest: &Manifest,
    path: &Path,
    content: Vec<u8>,
) -> Result<Filtered, ImportError> {
    match kind {
        // A prefecture-wide list compiled by the operator: nothing to cut, and the bytes
        // stay as published.
        FileKind::Source(
            SourceFormat::KouseikyokuIka
            | SourceFormat::ShisetsuKijun
            | SourceFormat::HoumonKango
            | SourceFormat::Offices
            | SourceFormat::OsakaHoukatsu,
        ) => Ok(Filtered {
            bytes: content,
            kept: None,
            dropped: None,
        }),
        FileKind::Reference(ReferenceFormat::N03) => n03(manifest, path, &decode(path, &content)?),
        FileKind::Source(format) => csv_rows(Layout::Source(format), manifest, path, &content),
        FileKind::Reference(format) => {
            csv_rows(Layout::Reference(format), manifest, path, &content)
        }
    }
}

#[derive(Clone, Copy)]
enum Layout {
    Source(SourceFormat),
    Reference(ReferenceFormat),
}

/// How a row's municipality is found in a table.
enum CodeColumns {
    /// One column with a 5- or 6-digit code.
    Single(Col),
    /// Navii: 2-digit prefecture + 3-digit city, each possibly without leading zeros.
    PrefectureCity(Col, Col),
}

fn csv_rows(
    layout: Layout,
    manifest: &Manifest,
    path: &Path,
    content: &[u8],
) -> Result<Filtered, ImportError> {
    let text = decode(path, content)?;
    let header = raw_header(&text);
    let headerless = matches!(layout, Layout::Reference(ReferenceFormat::JapanPost))
        && !header
            .as_ref()
            .is_some_and(|h| h.iter().any(|f| f.trim() == "postal_code"));
    let table = if headerless {
        Table::parse_headerless(path, &text)?
    } else {
        Table::parse(path, &text)?
    };

    let codes = match layout {
        Layout::Source(SourceFormat::Jigyosho) => {
            CodeColumns::Single(table.require(&["都道府県コード又は市町村コード"])?)
        }
        Layout::Source(SourceFormat::Navii) => CodeColumns::PrefectureCity(
            table.require(&["都道府県コード"])?,
            table.require(&["市区町村コード"])?,
        ),
        Layout::Reference(ReferenceFormat::Geolonia) => {
            CodeColumns::Single(table.require(&["市区町村コード"])?)
        }
        Layout::Reference(ReferenceFormat::JapanPost) if headerless => CodeColumns::Single(Col {
            index: 0,
            name: "全国地方公共団体コード".into(),
        }),
        Layout::Reference(ReferenceFormat::JapanPost) => {
            CodeColumns::Single(table.require(&["municipality_code"])?)
        }
        Layout::Source(
            SourceFormat::KouseikyokuIka
            | SourceFormat::ShisetsuKijun
            | SourceFormat::HoumonKango
            | SourceFormat::Offices
            | SourceFormat::OsakaHoukatsu,
        )
        | Layout::Reference(ReferenceFormat::N03) => {
            unreachable!("not filtered by rows")
        }
    };
    let fallback = PrefectureFallback::new(manifest, &table);

    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(content.len() / 8));
    let write_err = |e: csv::Error| ImportError::file(path, format!("cannot write CSV: {e}"));
    if !headerless {
        if let Some(h) = &header {
            out.write_record(h).map_err(write_err)?;
        }
    }
    let (mut kept, mut dropped) = (0, 0);
    for record in &table.rows {
        let keep = match row_code(&codes, record) {
            Some(code) => manifest.keeps_municipality(&code),
            None => fallback.keeps(record),
        };
        if keep {
            out.write_record(record.cells()).map_err(write_err)?;
            kept += 1;
        } else {
            dropped += 1;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ImportError::file(path, format!("cannot write CSV: {e}")))?;
    Ok(Filtered {
        bytes,
        kept: Some(kept),
        dropped: Some(dropped),
    })
}

/// The header as written in the file (the table's header is normalised for lookups).
fn raw_header(text: &str) -> Option<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .next()?
        .ok()
}

/// The row's municipality code (5 or 6 digits), or `None` when the row has none usable.
fn row_code(codes: &CodeColumns, record: &Row) -> Option<String> {
    let digits = |s: &str, max: usize| {
        (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.to_string())
    };
    match codes {
        CodeColumns::Single(col) => {
            let code = record.get(col);
            digits(code, 6).filter(|c| c.len() >= 5)
        }
        CodeColumns::PrefectureCity(pref, city) => {
            let city = record.get(city);
            if city.len() >= 5 {
                return digits(city, 6);
            }
            let pref = digits(record.get(pref), 2)?;
            let city = digits(city, 3)?;
            Some(format!("{pref:0>2}{city:0>3}"))
        }
    }
}

/// Rows without a usable municipality code (the MHLW lists have some, e.g. when the
/// address omits the ward) are kept when they name a prefecture of the dataset: the
/// importer then places them by address or coordinates instead of losing them here.
struct PrefectureFallback<'m> {
    codes: Vec<u32>,
    names: Vec<&'m str>,
    pref_code: Option<Col>,
    pref_name: Option<Col>,
    address: Option<Col>,
}

impl<'m> PrefectureFallback<'m> {
    fn new(manifest: &Manifest, table: &Table) -> Self {
        let mut codes: Vec<u32> = manifest
            .municipalities
            .iter()
            .filter_map(|m| m.get(..2)?.parse().ok())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let names = codes
            .iter()
            .filter_map(|c| PREFECTURE_NAMES.get((*c as usize).checked_sub(1)?).copied())
            .collect();
        let headered = !table.header.is_empty();
        Self {
            codes,
            names,
            pref_code: table.column(&["都道府県コード"]).filter(|_| headered),
            pref_name: table.column(&["都道府県名"]).filter(|_| headered),
            address: table.column(&["住所", "所在地"]).filter(|_| headered),
        }
    }

    fn keeps(&self, record: &Row) -> bool {
        let by_code = record
            .opt(&self.pref_code)
            .parse::<u32>()
            .is_ok_and(|c| self.codes.contains(&c));
        let name = record.opt(&self.pref_name);
        let address = record.opt(&self.address);
        by_code
            || self.names.iter().any(|n| {
                (!name.is_empty() && name == *n) || (!address.is_empty() && address.starts_with(n))
            })
    }
}

/// N03 GeoJSON: keeps features whose `N03_007` (municipality code) is kept.
fn n03(manifest: &Manifest, path: &Path, text: &str) -> Result<Filtered, ImportError> {
    let mut doc = crate::import::n03::parse_geojson(path, text)?;
    let features = doc
        .get_mut("features")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| {
            ImportError::file(
                path,
                "not a GeoJSON FeatureCollection (no \"features\" array)",
            )
        })?;
    let before = features.len();
    features.retain(|f| {
        match f.pointer("/properties/N03_007") {
            Some(Value::String(code)) => manifest.keeps_municipality(code),
            // Some converters write the code as a number, losing the leading zero.
            Some(Value::Number(n)) => n
                .as_u64()
                .is_some_and(|n| manifest.keeps_municipality(&format!("{n:05}"))),
            _ => false,
        }
    });
    let kept = features.len();
    let bytes = serde_json::to_vec(&doc)
        .map_err(|e| ImportError::file(path, format!("cannot write GeoJSON: {e}")))?;
    Ok(Filtered {
        bytes,
        kept: Some(kept),
        dropped: Some(before - kept),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let text = r#"
name = "t"
municipalities = ["27102"]
[[source]]
format = "jigyosho"
file = "j.csv"
[boundaries]
format = "n03"
file = "n.geojson"
[addresses]
format = "geolonia"
file = "a.csv"
"#;
        Manifest::parse(Path::new("dataset.toml"), text).unwrap()
    }

    #[test]
    fn navii_codes_are_padded() {
        let text =
            "都道府県コード,市区町村コード,所在地\n27,102,x\n27,2,x\n13,102,x\n27,,大阪府大阪市\n";
        let kind = FileKind::Source(SourceFormat::Navii);
        let f = filter(kind, &manifest(), Path::new("n.csv"), text.into()).unwrap();
        assert_eq!((f.kept, f.dropped), (Some(2), Some(2)));
        assert_eq!(
            String::from_utf8(f.bytes).unwrap(),
            "都道府県コード,市区町村コード,所在地\r\n27,102,x\r\n27,,大阪府大阪市\r\n"
        );
    }

    #[test]
    fn uncoded_jigyosho_rows_are_kept_in_the_prefecture() {
        let text = "都道府県コード又は市町村コード,都道府県名,住所\n\
                    271021,大阪府,a\n,大阪府,大阪府大阪市b\n,東京都,東京都c\n,,大阪府d\n";
        let kind = FileKind::Source(SourceFormat::Jigyosho);
        let f = filter(kind, &manifest(), Path::new("j.csv"), text.into()).unwrap();
        assert_eq!((f.kept, f.dropped), (Some(3), Some(1)));
    }

    #[test]
    fn missing_code_column_is_an_import_error() {
        let kind = FileKind::Reference(ReferenceFormat::Geolonia);
        let e = filter(kind, &manifest(), Path::new("a.csv"), "x,y\n1,2\n".into())
            .err()
            .unwrap();
        assert!(e.to_string().contains("'市区町村コード' is missing"), "{e}");
    }
}
