//! Text encodings of official files: UTF-8 with or without BOM, or Shift_JIS (CP932),
//! which is what Excel in Japan writes. Errors name the byte offset of the first bad byte.

use std::borrow::Cow;
use std::path::Path;

use super::ImportError;

/// Decodes a whole file. UTF-8 (a BOM is dropped) is tried first; a file that is not UTF-8
/// and whose first non-UTF-8 byte comes before any multi-byte UTF-8 character is read as
/// CP932. A UTF-8 file with a broken byte is reported as such, not silently re-read as
/// Shift_JIS mojibake.
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<Cow<'a, str>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(Cow::Borrowed(s)),
        Err(e) => e,
    };
    let prefix_is_ascii = bytes[..utf8_error.valid_up_to()].is_ascii();
    if prefix_is_ascii {
        match decode_cp932(bytes) {
            Ok(s) => return Ok(Cow::Owned(s)),
            Err(at) => {
                return Err(error_at(
                    path,
                    bytes,
                    at,
                    "neither UTF-8 nor Shift_JIS (CP932)",
                    EITHER,
                ))
            }
        }
    }
    Err(error_at(
        path,
        bytes,
        utf8_error.valid_up_to(),
        "not valid UTF-8",
        EITHER,
    ))
}

const EITHER: &str = "save the file as UTF-8 or Shift_JIS";

/// UTF-8 only (the project's own format); the error names the first bad byte.
pub(crate) fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        error_at(
            path,
            bytes,
            e.valid_up_to(),
            "not valid UTF-8",
            "save the file as UTF-8 (CSV UTF-8 in Excel)",
        )
    })
}

/// CP932 to UTF-8, or the byte offset of the first malformed sequence.
fn decode_cp932(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(out),
            encoding_rs::DecoderResult::OutputFull => {
                out.reserve(bytes.len() - read_total + 16);
            }
            encoding_rs::DecoderResult::Malformed(bad, _) => {
                return Err(read_total.saturating_sub(bad as usize));
            }
        }
    }
}

fn error_at(path: &Path, bytes: &[u8], at: usize, what: &str, advice: &str) -> ImportError {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before[line_start..].iter().filter(|b| **b == b',').count() + 1;
    ImportError {
        sheet: None,
        file: path.to_path_buf(),
        line: Some(before.iter().filter(|b| **b == b'\n').count() as u64 + 1),
        column: Some((column, String::new())),
        reason: format!(
            "{what} at byte offset {at} (0x{:02X}); {advice}",
            bytes.get(at).copied().unwrap_or(0)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let p = Path::new("f.csv");
        assert_eq!(decode(p, "a,訪問\r\n".as_bytes()).unwrap(), "a,訪問\r\n");
        assert_eq!(decode(p, "\u{feff}a,訪問".as_bytes()).unwrap(), "a,訪問");
    }

    #[test]
    fn shift_jis_is_read() {
        let bytes = sjis("番号,名称\r\n1,訪問看護ステーション髙島①\r\n");
        let text = decode(Path::new("f.csv"), &bytes).unwrap();
        assert!(text.contains("訪問看護ステーション髙島①"), "{text}");
    }

    #[test]
    fn broken_bytes_name_the_offset() {
        let mut bytes = "a,b\n訪問,".as_bytes().to_vec();
        bytes.push(0xFF);
        let e = decode(Path::new("f.csv"), &bytes).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.reason.contains("not valid UTF-8 at byte offset 11"),
            "{e}"
        );

        let mut bytes = sjis("a,b\n1,訪問");
        let at = bytes.len();
        bytes.extend([0x81, 0x20]);
        let e = decode(Path::new("f.csv"), &bytes).unwrap_err();
        assert!(
            e.reason.contains(&format!(
                "neither UTF-8 nor Shift_JIS (CP932) at byte offset {at}"
            )),
            "{e}"
        );
        assert_eq!(e.column.as_ref().map(|c| c.0), Some(2));
    }
}
