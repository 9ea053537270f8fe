//! Query strings → [`SearchParams`]. Repeated keys (`kind=a&kind=b`) and comma lists both
//! work; unknown keys are rejected so a typo'd filter never silently matches everything.

use crate::search::SearchParams;
use crate::team::TeamParams;

use super::ApiError;

/// Longest query string accepted (bytes); longer ones are refused before parsing.
pub const MAX_QUERY_BYTES: usize = 4096;

pub fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
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
            let key = decode(k);
            let bad = |key: &[u8]| {
                let name = String::from_utf8_lossy(key).replace('\u{FFFD}', "");
                ApiError::parameter(
                    "invalid_value",
                    &name,
                    format!("パラメータ「{name}」が UTF-8 として正しくありません。"),
                )
            };
            let key = String::from_utf8(key).map_err(|e| bad(e.as_bytes()))?;
            let value = String::from_utf8(decode(v)).map_err(|_| bad(key.as_bytes()))?;
            Ok((key, value))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space, `%XX` a byte, a
/// `%` without two hex digits stays as it is.
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
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
    out
}

/// Sets a parameter that takes one value; a second value is refused.
fn set_once(slot: &mut Option<String>, key: &str, value: &str) -> Result<(), ApiError> {
    if slot.is_some() {
        return Err(ApiError::duplicate_parameter(key));
    }
    *slot = Some(value.to_string());
    Ok(())
}

/// Search parameters, from a query string.
pub fn search_params(pairs: &[(String, String)]) -> Result<SearchParams, ApiError> {
    let mut p = SearchParams::default();
    for (k, v) in pairs {
        let s = &mut p;
        let one = |slot: &mut Option<String>| set_once(slot, k, v);
        match k.as_str() {
            "text" | "q" => one(&mut s.text)?,
            "kind" => s.kind.push(v.clone()),
            "cap" => s.cap.push(v.clone()),
            "ward" => s.ward.push(v.clone()),
            "area" => s.area.push(v.clone()),
            "wheelchair" => one(&mut s.wheelchair)?,
            "pediatric" => one(&mut s.pediatric)?,
            "accepting_new" => one(&mut s.accepting_new)?,
            "near" => one(&mut s.near)?,
            "radius_km" => one(&mut s.radius_km)?,
            "covers" => one(&mut s.covers)?,
            "bbox" => one(&mut s.bbox)?,
            "sort" => one(&mut s.sort)?,
            "limit" => one(&mut s.limit)?,
            "offset" => one(&mut s.offset)?,
            "facets" => one(&mut s.facets)?,
            "total" => one(&mut s.total)?,
            "address" => one(&mut s.address)?,
            "address_use" => one(&mut s.address_use)?,
            "scene" => one(&mut s.scene)?,
            "view" => one(&mut s.view)?,
            "typo" => one(&mut s.typo)?,
            other => return Err(ApiError::unknown_parameter(other)),
        }
    }
    Ok(p)
}

/// Team parameters (and the sheet's `pick` ids), from a query string.
pub fn team_params(pairs: &[(String, String)]) -> Result<(TeamParams, Vec<String>), ApiError> {
    let mut p = TeamParams::default();
    let mut picks = Vec::new();
    for (k, v) in pairs {
        let one = |slot: &mut Option<String>| set_once(slot, k, v);
        match k.as_str() {
            "address" => one(&mut p.address)?,
            "covers" => one(&mut p.covers)?,
            "scene" => one(&mut p.scene)?,
            "cap" => p.cap.push(v.clone()),
            "role" => p.role.push(v.clone()),
            "kind" => p.kind.push(v.clone()),
            "wheelchair" => one(&mut p.wheelchair)?,
            "pediatric" => one(&mut p.pediatric)?,
            "per_role" => one(&mut p.per_role)?,
            "pick" => picks.push(v.clone()),
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
        let a = search_params(&p).unwrap();
        assert_eq!(a.kind, ["clinic", "訪問看護"]);
        assert_eq!(a.text.as_deref(), Some("a b"));
        let e = search_params(&pairs(Some("kinds=clinic")).unwrap()).unwrap_err();
        assert_eq!(
            (e.code, e.parameter.as_deref()),
            ("unknown_parameter", Some("kinds"))
        );
        let e = search_params(&pairs(Some("limit=1&limit=2")).unwrap()).unwrap_err();
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
        assert_eq!(p[0], ("text".into(), "100% a%2".into()));
        assert_eq!(p[1], ("x".into(), "%zz".into()));
    }
}
