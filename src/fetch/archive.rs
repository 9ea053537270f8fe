//! Taking the one needed member out of a downloaded zip archive.

use std::io::{Cursor, Read};

use super::FetchError;

/// The file name of a member, without the folders publishers sometimes nest it in.
pub(super) fn member_basename(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Returns the member's file name (without folders) and its bytes. `member` is matched
/// against the full member path or its file name; without it the archive must hold exactly
/// one `.csv`/`.geojson`/`.xlsx`.
pub(super) fn extract(
    url: &str,
    bytes: &[u8],
    member: Option<&str>,
) -> Result<(String, Vec<u8>), FetchError> {
    let err = |reason: String| FetchError::Archive {
        url: url.to_string(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| err(e.to_string()))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| !n.ends_with('/'))
        .map(|n| n.into_owned())
        .collect();
    let listing = || names.join(", ");

    let candidates: Vec<&String> = match member {
        Some(m) => {
            let exact: Vec<&String> = names.iter().filter(|n| *n == m).collect();
            if exact.is_empty() {
                names
                    .iter()
                    .filter(|n| member_basename(n) == member_basename(m))
                    .collect()
            } else {
                exact
            }
        }
        None => names
            .iter()
            .filter(|n| {
                let lower = member_basename(n).to_ascii_lowercase();
                lower.ends_with(".csv") || lower.ends_with(".geojson") || lower.ends_with(".xlsx")
            })
            .collect(),
    };
    let chosen = match (candidates.as_slice(), member) {
        ([one], _) => (*one).clone(),
        ([], Some(m)) => {
            return Err(err(format!(
                "no member '{m}' (archive_member); the archive holds: {}",
                listing()
            )))
        }
        ([], None) => {
            return Err(err(format!(
            "no .csv, .geojson or .xlsx member; the archive holds: {}; set archive_member in the \
                 manifest",
            listing()
        )))
        }
        (several, _) => {
            let list: Vec<&str> = several.iter().map(|s| s.as_str()).collect();
            return Err(err(format!(
                "several candidate members: {}; set archive_member in the manifest",
                list.join(", ")
            )));
        }
    };

    let mut file = zip
        .by_name(&chosen)
        .map_err(|e| err(format!("{chosen}: {e}")))?;
    let mut content = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 30));
    file.read_to_end(&mut content)
        .map_err(|e| err(format!("{chosen}: {e}")))?;
    Ok((member_basename(&chosen).to_string(), content))
}
