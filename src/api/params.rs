//! Query strings → [`SearchParams`]. Repeated keys (`kind=a&kind=b`) and comma lists both
//! work; unknown keys are rejected so a typo'd filter never silently matches everything.

use std::borrow::Cow;

use crate::search::SearchParams;
use crate::team::TeamParams;

use super::ApiError;

/// Longest query string accepted (bytes); longer ones are refused before parsing.
pub const MAX_QUERY_BYTES: usize = 4096;

/// One `key=value` of a query string, decoded. Borrowed from the query string unless
/// decoding changed it (`%XX`, `+`): most keys and values are plain.
pub type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

pub fn pairs(raw: Option<&str>) -> Result<Vec<Pair<'_>>, ApiError> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_QUERY_BYTES {
        return Err(ApiError::parameter(
            "too_long",
            "query",
            format!("クエリ文字列が長すぎます（{MAX_QUERY_BYTES} バイトまで）。"),
        ));
    }
    // Decoded here rather than by form_urlencoded, which replaces bytes that are not UTF-8
    // with U+FFFD: every key and value must be UTF-8 on its own.
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = |key: &[u8]| {
                let name = String::from_utf8_lossy(key).replace('\u{FFFD}', "");
                ApiError::parameter(
                    "invalid_value",
                    &name,
                    format!("パラメータ「{name}」が UTF-8 として正しくありません。"),
                )
            };
            let key = utf8(decode(k)).map_err(|e| bad(&e))?;
            let value = utf8(decode(v)).map_err(|_| bad(key.as_bytes()))?;
            Ok((key, value))
        })
        .collect()
}

/// Decoded bytes as text, or the bytes back when they are not UTF-8.
fn utf8(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, str>, Vec<u8>> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|_| b.to_vec()),
        Cow::Owned(b) => String::from_utf8(b)
            .map(Cow::Owned)
            .map_err(|e| e.into_bytes()),
    }
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space, `%XX` a byte, a
/// `%` without two hex digits stays as it is. Borrowed when there is nothing to decode.
fn decode(s: &str) -> Cow<'_, [u8]> {
    let b = s.as_bytes();
    if !b.iter().any(|c| matches!(c, b'+' | b'%')) {
        return Cow::Borrowed(b);
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    b.get(i + 1).and_then(|c| hex(*c)),
                    b.get(i + 2).and_then(|c| hex(*c)),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// Sets a parameter that takes one value; a second value is refused.
fn set_once(slot: &mut Option<String>, key: &str, value: Cow<'_, str>) -> Result<(), ApiError> {
    if slot.is_some() {
        return Err(ApiError::duplicate_parameter(key));
    }
    *slot = Some(value.into_owned());
    Ok(())
}

/// Search parameters, from a query string.
pub fn search_params(pairs: Vec<Pair<'_>>) -> Result<SearchParams, ApiError> {
    let mut p = SearchParams::default();
    for (k, v) in pairs {
        let s = &mut p;
        let one = |slot: &mut Option<String>, v| set_once(slot, &k, v);
        match k.as_ref() {
            "text" | "q" => one(&mut s.text, v)?,
            "kind" => s.kind.push(v.into_owned()),
            "cap" => s.cap.push(v.into_owned()),
            "ward" => s.ward.push(v.into_owned()),
            "area" => s.area.push(v.into_owned()),
            "wheelchair" => one(&mut s.wheelchair, v)?,
            "pediatric" => one(&mut s.pediatric, v)?,
            "accepting_new" => one(&mut s.accepting_new, v)?,
            "near" => one(&mut s.near, v)?,
            "radius_km" => one(&mut s.radius_km, v)?,
            "covers" => one(&mut s.covers, v)?,
            "bbox" => one(&mut s.bbox, v)?,
            "sort" => one(&mut s.sort, v)?,
            "limit" => one(&mut s.limit, v)?,
            "offset" => one(&mut s.offset, v)?,
            "facets" => one(&mut s.facets, v)?,
            "total" => one(&mut s.total, v)?,
            "address" => one(&mut s.address, v)?,
            "address_use" => one(&mut s.address_use, v)?,
            "scene" => one(&mut s.scene, v)?,
            "view" => one(&mut s.view, v)?,
            "typo" => one(&mut s.typo, v)?,
            other => return Err(ApiError::unknown_parameter(other)),
        }
    }
    Ok(p)
}

/// Team parameters (and the sheet's `pick` ids), from a query string.
pub fn team_params(pairs: Vec<Pair<'_>>) -> Result<(TeamParams, Vec<String>), ApiError> {
    let mut p = TeamParams::default();
    let mut picks = Vec::new();
    for (k, v) in pairs {
        let one = |slot: &mut Option<String>, v| set_once(slot, &k, v);
        match k.as_ref() {
            "address" => one(&mut p.address, v)?,
            "covers" => one(&mut p.covers, v)?,
            "scene" => one(&mut p.scene, v)?,
            "cap" => p.cap.push(v.into_owned()),
            "role" => p.role.push(v.into_owned()),
            "kind" => p.kind.push(v.into_owned()),
            "wheelchair" => one(&mut p.wheelchair, v)?,
            "pediatric" => one(&mut p.pediatric, v)?,
            "per_role" => one(&mut p.per_role, v)?,
            "pick" => picks.push(v.into_owned()),
            other => return Err(ApiError::unknown_parameter(other)),
        }
    }
    Ok((p, picks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_unknown_keys() {
        let p = pairs(Some(
            "kind=clinic&kind=%E8%A8%AA%E5%95%8F%E7%9C%8B%E8%AD%B7&text=a+b",
        ))
        .unwrap();
        let a = search_params(p).unwrap();
        assert_eq!(a.kind, ["clinic", "訪問看護"]);
        assert_eq!(a.text.as_deref(), Some("a b"));
        let e = search_params(pairs(Some("kinds=clinic")).unwrap()).unwrap_err();
        assert_eq!(
            (e.code, e.parameter.as_deref()),
            ("unknown_parameter", Some("kinds"))
        );
        let e = search_params(pairs(Some("limit=1&limit=2")).unwrap()).unwrap_err();
        assert_eq!(
            (e.code, e.parameter.as_deref()),
            ("duplicate_parameter", Some("limit"))
        );
        assert!(pairs(Some(&"a".repeat(5000))).is_err());
        let e = pairs(Some("text=%E3%81")).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("text"));
        assert!(pairs(Some("text=%EF%BF%BD")).is_ok());
        // An honest U+FFFD no longer switches the check off for the other bytes.
        let e = pairs(Some("text=%EF%BF%BD%FF")).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("text"));
        let e = pairs(Some("near=1,2&cap=%EF%BF%BD&kind=%C0")).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("kind"));
        // Stray % signs stay as they are; + is a space.
        let p = pairs(Some("text=100%+a%2&x=%zz")).unwrap();
        assert_eq!((&*p[0].0, &*p[0].1), ("text", "100% a%2"));
        assert_eq!((&*p[1].0, &*p[1].1), ("x", "%zz"));
        // Plain keys and values are borrowed from the query string, decoded ones owned.
        let p = pairs(Some("near=1,2&text=a+b")).unwrap();
        assert!(matches!(
            &p[0],
            (Cow::Borrowed("near"), Cow::Borrowed("1,2"))
        ));
        assert!(matches!(&p[1].1, Cow::Owned(v) if v == "a b"));
    }
}
