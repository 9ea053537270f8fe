//! What a search returns. Field names `total`, `hits`, `facets` and each hit's `id`, `name`
//! and `distance_m` are a stable contract for scripts and the HTTP API.

use std::borrow::Cow;

use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::model::Facility;

#[derive(Clone, Debug, Serialize)]
pub struct SearchResult {
    /// Every match, or (with `total=false`) at least this many.
    pub total: usize,
    /// `total` was not counted to the end (`total=false`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_is_lower_bound: bool,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub offset: usize,
    pub limit: usize,
    pub sort: &'static str,
    /// How much of each record the hits carry (`view=`).
    pub view: View,
    /// The text found nothing as typed and was searched with corrected words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<super::Corrected>,
}

/// How much of its record each hit carries. `list`: what a result list shows (name, kinds,
/// address, phone, capabilities, statuses, location), about half the bytes; the whole
/// record is at `/facilities/{id}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    #[default]
    Full,
    List,
}

impl View {
    pub const CODES: [&'static str; 2] = ["full", "list"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(View::Full),
            "list" => Some(View::List),
            _ => None,
        }
    }
}

/// One facility of the answer: its record (the JSON as stored, served without decoding)
/// and why it matched. Serializes as the record's fields followed by the fields below.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Position in the index (not stable across builds; use the record's `id`).
    pub ord: u32,
    /// The facility record as JSON, exactly as stored in the index: whole, or in the list
    /// view cut to its list fields (one JSON object either way).
    pub record: Box<str>,
    /// The ward or 市町村 (堺市北区 where the name alone is ambiguous).
    pub ward_name: Option<&'static str>,
    /// Great-circle metres from the `near` / `covers` point.
    pub distance_m: Option<f64>,
    /// Text relevance (BM25) when the query had text.
    pub score: Option<f32>,
    /// Why this facility matched, in Japanese, e.g. "3.2 km（訪問範囲 16 km 以内・東淀川区は対応地域）".
    pub explanation: String,
    /// The record's 新規受入 status has passed its end (`accepting_until`): it reads 要確認.
    pub accepting_expired: bool,
    /// The record's 後方病床 status has passed its end: it reads 要確認.
    pub backup_beds_expired: bool,
    /// How much of the record its JSON carries.
    pub view: View,
}

impl Hit {
    /// Facility `ord` on its own: no distance, score or explanation.
    pub fn of(index: &crate::index::SearchIndex, ord: u32) -> Self {
        let today = crate::model::Day::today();
        Hit::new(index, ord, View::Full, today, None, None, String::new())
    }

    /// Facility `ord`'s hit in `view` on `today`.
    pub(super) fn new(
        index: &crate::index::SearchIndex,
        ord: u32,
        view: View,
        today: crate::model::Day,
        distance_m: Option<f64>,
        score: Option<f32>,
        explanation: String,
    ) -> Self {
        let tail = HitTail::of(index, ord, today, distance_m, score, "");
        Hit {
            ord,
            record: record_in(index, ord, view),
            ward_name: tail.ward_name,
            distance_m,
            score,
            accepting_expired: tail.accepting_expired,
            backup_beds_expired: tail.backup_beds_expired,
            view,
            explanation,
        }
    }

    /// The record's id, in either view.
    pub fn id(&self) -> String {
        crate::index::id_of(&self.record)
    }

    /// The decoded record. Only a hit in the full view has every field: exports and team
    /// searches ask for it.
    pub fn facility(&self) -> Facility {
        debug_assert_eq!(self.view, View::Full, "only a whole record decodes");
        serde_json::from_str(&self.record).expect("index records are valid")
    }

    /// Appends this hit as one JSON object: the record's fields (all, or the list view's),
    /// then `ward_name`, `distance_m`, `score` and `explanation`. The record's bytes are
    /// copied, not parsed.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let tail = HitTail {
            ward_name: self.ward_name,
            distance_m: self.distance_m,
            score: self.score,
            explanation: &self.explanation,
            accepting_expired: self.accepting_expired,
            backup_beds_expired: self.backup_beds_expired,
        };
        // The record without its closing brace, or its list fields.
        tail.write_after(&self.record[..self.record.len() - 1], out);
    }
}

/// What a hit adds to its record's fields in the answer, in this order.
pub(super) struct HitTail<'a> {
    pub ward_name: Option<&'static str>,
    pub distance_m: Option<f64>,
    pub score: Option<f32>,
    pub explanation: &'a str,
    pub accepting_expired: bool,
    pub backup_beds_expired: bool,
}

impl HitTail<'_> {
    /// The tail of facility `ord`'s hit on `today`.
    pub fn of<'a>(
        index: &crate::index::SearchIndex,
        ord: u32,
        today: crate::model::Day,
        distance_m: Option<f64>,
        score: Option<f32>,
        explanation: &'a str,
    ) -> HitTail<'a> {
        HitTail {
            ward_name: index.columns.ward[ord as usize].and_then(|w| index.regions.label(w)),
            distance_m,
            score,
            explanation,
            accepting_expired: expired(index, ord, today),
            backup_beds_expired: beds_expired(index, ord, today),
        }
    }

    /// Appends one hit: `fields` (a record's JSON object without its closing brace), these
    /// fields, and the brace. The two flags are written only when set.
    pub fn write_after(&self, fields: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(fields.as_bytes());
        out.extend_from_slice(b",\"ward_name\":");
        match self.ward_name {
            Some(name) => json_str(out, name),
            None => out.extend_from_slice(b"null"),
        }
        json_field(out, "distance_m", &self.distance_m);
        json_field(out, "score", &self.score);
        out.extend_from_slice(b",\"explanation\":");
        json_str(out, self.explanation);
        if self.accepting_expired {
            json_field(out, "accepting_expired", &true);
        }
        if self.backup_beds_expired {
            json_field(out, "backup_beds_expired", &true);
        }
        out.push(b'}');
    }
}

/// A buffer for an answer of `hits` hits: a whole record with its extra fields is at most
/// ~900 bytes, the facets and the rest of the answer a few KB.
pub(super) fn answer_buffer(hits: usize) -> Vec<u8> {
    Vec::with_capacity(1024 + hits * 900)
}

/// Appends `value` as serde_json writes it.
fn json_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(&mut *out, value).expect("plain values serialize");
}

/// Appends `s` as serde_json writes a string. Labels, names and explanations rarely hold a
/// byte that needs escaping: one pass over the bytes with no early exit (so the compiler
/// may vectorize it) finds out, and they are copied whole; otherwise serde_json escapes
/// them a byte at a time.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let plain = !s.bytes().fold(false, |bad, b| {
        bad | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        json_value(out, s);
    }
}

/// Appends `items`, each written by `write`, separated by commas (a JSON array's inside).
pub(super) fn json_items<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Vec<u8>, T),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

/// Appends `,"name":` and `value`: one more field of an object being written.
fn json_field<T: Serialize + ?Sized>(out: &mut Vec<u8>, name: &str, value: &T) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    json_value(out, value);
}

/// Facility `ord`'s record in `view` as a JSON object without its closing brace: all its
/// fields, or its list fields (cut where the index was opened found them). Borrowed from
/// the index's records.
pub(super) fn record_fields(index: &crate::index::SearchIndex, ord: u32, view: View) -> &str {
    let raw = index.records().raw(ord);
    match view {
        View::Full => &raw[..raw.len() - 1],
        View::List => &raw[..index.records().list_len(ord)],
    }
}

/// Facility `ord`'s record as one JSON object in `view`: whole, or its list fields and a
/// closing brace. The list view copies two thirds of the bytes.
pub(super) fn record_in(index: &crate::index::SearchIndex, ord: u32, view: View) -> Box<str> {
    let fields = record_fields(index, ord, view);
    let mut record = String::with_capacity(fields.len() + 1);
    record.push_str(fields);
    record.push('}');
    record.into_boxed_str()
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut json = Vec::with_capacity(self.record.len() + 256);
        self.write_json(&mut json);
        let json = String::from_utf8(json).map_err(S::Error::custom)?;
        RawValue::from_string(json)
            .map_err(S::Error::custom)?
            .serialize(s)
    }
}

impl SearchResult {
    /// The result as JSON, with `extra` fields (a serializable struct, or `()`) flattened
    /// in. The hits are written by [`Hit::write_json`], so a page of records is copied,
    /// not decoded and encoded again.
    pub fn to_json_with<T: Serialize>(self, extra: T) -> Vec<u8> {
        let mut out = answer_buffer(self.hits.len());
        self.head().write(
            &mut out,
            |out| json_items(out, &self.hits, |out, h| h.write_json(out)),
            &extra,
        );
        out
    }

    fn head(&self) -> Head<'_> {
        Head {
            total: self.total,
            total_is_lower_bound: self.total_is_lower_bound,
            facets: &self.facets,
            offset: self.offset,
            limit: self.limit,
            sort: self.sort,
            view: self.view,
            corrected: self.corrected.as_ref(),
        }
    }
}

/// A search answer's fields other than its hits ([`SearchResult`]'s, borrowed).
pub(super) struct Head<'a> {
    pub total: usize,
    pub total_is_lower_bound: bool,
    pub facets: &'a Facets,
    pub offset: usize,
    pub limit: usize,
    pub sort: &'static str,
    pub view: View,
    pub corrected: Option<&'a super::Corrected>,
}

impl Head<'_> {
    /// Appends the answer as serde writes a [`SearchResult`] with `extra` flattened in
    /// after it, with `hits` writing the hits between `"hits":[` and `]`. By hand, so the
    /// hits go straight into `out`.
    pub fn write<T: Serialize>(
        &self,
        out: &mut Vec<u8>,
        hits: impl FnOnce(&mut Vec<u8>),
        extra: &T,
    ) {
        out.extend_from_slice(b"{\"total\":");
        json_value(out, &self.total);
        if self.total_is_lower_bound {
            json_field(out, "total_is_lower_bound", &true);
        }
        out.extend_from_slice(b",\"hits\":[");
        hits(out);
        out.push(b']');
        out.extend_from_slice(b",\"facets\":");
        self.facets.write(out);
        json_field(out, "offset", &self.offset);
        json_field(out, "limit", &self.limit);
        json_field(out, "sort", self.sort);
        json_field(out, "view", &self.view);
        if let Some(c) = self.corrected {
            json_field(out, "corrected", c);
        }
        // `extra` as an object: its `{` becomes a `,` and its `}` closes the answer.
        let at = out.len();
        json_value(out, extra);
        match &out[at..] {
            b"null" | b"{}" => {
                out.truncate(at);
                out.push(b'}');
            }
            [b'{', .., b'}'] => out[at] = b',',
            other => panic!(
                "extra fields must be a struct, not {}",
                String::from_utf8_lossy(other)
            ),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    /// Vocabulary code, or the ward's (市町村's) JIS code as text.
    pub code: Cow<'static, str>,
    pub label: Cow<'static, str>,
    pub count: usize,
}

/// Whether facility `ord`'s 新規受入 status has ended by `today`.
pub(super) fn expired(
    index: &crate::index::SearchIndex,
    ord: u32,
    today: crate::model::Day,
) -> bool {
    let c = &index.columns;
    c.accepting_on(ord as usize, today) != c.accepting[ord as usize]
}

/// Whether facility `ord`'s 後方病床 status has ended by `today`.
pub(super) fn beds_expired(
    index: &crate::index::SearchIndex,
    ord: u32,
    today: crate::model::Day,
) -> bool {
    index.columns.backup_beds_until[ord as usize].is_some_and(|end| end < today)
}

/// Counts over the whole filtered set (not just the page), every value listed.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Facets {
    pub kind: Vec<FacetCount>,
    /// By ward or undivided 市町村 (the places facilities are in).
    pub ward: Vec<FacetCount>,
    /// By 市町村: a designated city counts all its wards.
    pub municipality: Vec<FacetCount>,
    pub capability: Vec<FacetCount>,
}

impl Facets {
    /// Appends the facets as serde writes them (the answer's largest part without hits:
    /// every value is listed with its label), with each label copied by [`json_str`].
    fn write(&self, out: &mut Vec<u8>) {
        let lists: [(&[u8], &[FacetCount]); 4] = [
            (b"{\"kind\":[", &self.kind),
            (b",\"ward\":[", &self.ward),
            (b",\"municipality\":[", &self.municipality),
            (b",\"capability\":[", &self.capability),
        ];
        for (key, counts) in lists {
            out.extend_from_slice(key);
            json_items(out, counts, |out, c| {
                out.extend_from_slice(b"{\"code\":");
                json_str(out, &c.code);
                out.extend_from_slice(b",\"label\":");
                json_str(out, &c.label);
                json_field(out, "count", &c.count);
                out.push(b'}');
            });
            out.push(b']');
        }
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(ord: u32, record: &str) -> Hit {
        Hit {
            ord,
            record: record.into(),
            ward_name: Some("北区"),
            accepting_expired: false,
            backup_beds_expired: false,
            distance_m: Some(12.5),
            score: None,
            explanation: "指定地点から 13 m".into(),
            view: View::Full,
        }
    }

    #[test]
    fn strings_are_written_as_serde_writes_them() {
        // Every ASCII byte between two letters, and strings with nothing to escape.
        let mut cases: Vec<String> = (0u8..0x80).map(|b| format!("a{}b", b as char)).collect();
        cases.extend(
            [
                "",
                "北区",
                "\u{7f}",
                "\u{2028}",
                "「\"」\\",
                "end\u{1f}",
                "\"",
                "\\",
            ]
            .map(String::from),
        );
        cases.push("指定地点から 1.0 km / 訪問診療".repeat(20));
        for s in cases {
            let mut out = b"[".to_vec();
            json_str(&mut out, &s);
            let want = [b"[".as_slice(), &serde_json::to_vec(&s).unwrap()].concat();
            assert_eq!(out, want, "{s:?}");
        }
    }

    #[test]
    fn a_hits_id_reads_from_either_view() {
        let record = r#"{"id":"A-1","name":"x","name_kana":"y"}"#;
        let mut h = hit(0, record);
        assert_eq!(h.id(), "A-1");
        h.record = r#"{"id":"A-1","name":"x"}"#.into();
        h.view = View::List;
        assert_eq!(h.id(), "A-1");
    }

    #[test]
    fn hits_are_spliced_from_records_into_one_object_each() {
        let result = SearchResult {
            total: 2,
            total_is_lower_bound: false,
            hits: vec![
                hit(0, r#"{"id":"A","name":"\"hits\":[] と書いた名前"}"#),
                hit(1, r#"{"id":"B","name":"B"}"#),
            ],
            facets: Facets::default(),
            offset: 0,
            limit: 20,
            sort: "distance",
            view: View::Full,
            corrected: None,
        };
        #[derive(Serialize)]
        struct Extra {
            note: &'static str,
        }
        let json = result.clone().to_json_with(Extra {
            note: "\"hits\":[]",
        });
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["note"], "\"hits\":[]");
        assert_eq!(v["total"], 2);
        let hits = v["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0]["id"], "A");
        assert_eq!(hits[0]["name"], "\"hits\":[] と書いた名前");
        assert_eq!(hits[0]["ward_name"], "北区");
        assert_eq!(hits[0]["distance_m"], 12.5);
        assert!(hits[0]["score"].is_null());
        assert_eq!(hits[1]["explanation"], "指定地点から 13 m");
        // The serde form of a hit (CLI, facility endpoint) is the same object.
        let one: serde_json::Value = serde_json::to_value(&result.hits[1]).unwrap();
        assert_eq!(one, hits[1]);
    }

    #[test]
    fn the_answer_by_hand_is_what_serde_writes_for_the_result() {
        #[derive(Serialize)]
        struct Extra {
            point: Option<(f64, f64)>,
        }
        #[derive(Serialize)]
        struct Flat<'a> {
            #[serde(flatten)]
            result: &'a SearchResult,
            #[serde(flatten)]
            extra: Extra,
        }
        let mut result = SearchResult {
            total: 2,
            total_is_lower_bound: true,
            hits: vec![hit(0, r#"{"id":"A","name":"A"}"#), hit(1, r#"{"id":"B"}"#)],
            facets: Facets {
                kind: vec![
                    FacetCount {
                        code: "clinic".into(),
                        label: "診療所「\"」".into(),
                        count: 3,
                    },
                    FacetCount {
                        code: "pharmacy".into(),
                        label: "薬局".into(),
                        count: 0,
                    },
                ],
                ward: vec![FacetCount {
                    code: "27127".into(),
                    label: "北区\\\n\u{1}".into(),
                    count: 12,
                }],
                municipality: Vec::new(),
                capability: vec![FacetCount {
                    code: "24h".into(),
                    label: "24時間対応".into(),
                    count: 1,
                }],
            },
            offset: 20,
            limit: 2,
            sort: "name",
            view: View::List,
            corrected: Some(super::super::Corrected {
                text: "在宅医療".into(),
                words: vec![super::super::Correction {
                    from: "在宅医寮".into(),
                    to: "在宅医療".into(),
                }],
                message: "在宅医寮 → 在宅医療 で検索しました".into(),
            }),
        };
        result.hits[1].accepting_expired = true;
        result.hits[1].backup_beds_expired = true;
        result.hits[1].distance_m = None;
        result.hits[1].score = Some(1.5);
        result.hits[1].ward_name = None;
        result.hits[1].explanation = "「\"訪問\"」\t\\ 2.1 km".into();
        for point in [Some((34.7, 135.5)), None] {
            let want = serde_json::to_string(&Flat {
                result: &result,
                extra: Extra { point },
            })
            .unwrap();
            let got = result.clone().to_json_with(Extra { point });
            assert_eq!(String::from_utf8(got).unwrap(), want);
        }
        // The optional fields left out, as serde leaves them out.
        result.total_is_lower_bound = false;
        result.corrected = None;
        let want = serde_json::to_string(&Flat {
            result: &result,
            extra: Extra { point: None },
        })
        .unwrap();
        let got = result.to_json_with(Extra { point: None });
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
}
