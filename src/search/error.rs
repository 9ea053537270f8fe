//! Why a query was refused: the parameter, the value given, and a [`Problem`] that says what
//! was wrong. The problem's [`code`](QueryError::code) is the API's error code; the
//! [`message`](QueryError::message) is Japanese and whole (it is shown to users as it is);
//! `detail` adds the English wording the CLI prints after it.

use std::fmt;

use crate::model::{LatLonError, VocabularyError};

/// What was wrong with a parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Not a value of the parameter's type; `expected` says which, in Japanese
    /// (「数値」, 「緯度,経度」).
    Invalid { expected: &'static str },
    /// A number outside its range, said in Japanese (「0 より大きく 50 以下」).
    OutOfRange { range: String },
    /// Not one of the names the parameter takes.
    Unknown { valid: Vec<String> },
    /// A name that fits several values.
    Ambiguous { candidates: Vec<String> },
    /// Given together with a parameter it cannot be combined with.
    Conflict { with: &'static str },
    /// Needs another parameter that was not given.
    Requires { other: &'static str },
    /// Not given, and needed; `expected` says what to give, in Japanese.
    Missing { expected: &'static str },
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// An address the geocoder cannot place.
    AddressNotFound,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueryError {
    pub parameter: &'static str,
    pub value: String,
    pub problem: Problem,
    /// The same in English, with the specifics (for the CLI and logs).
    pub detail: String,
}

impl std::error::Error for QueryError {}

impl QueryError {
    pub fn new(
        parameter: &'static str,
        value: &str,
        problem: Problem,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            parameter,
            value: value.to_string(),
            problem,
            detail: detail.into(),
        }
    }

    /// The API error code: one per kind of problem.
    pub fn code(&self) -> &'static str {
        match self.problem {
            Problem::Invalid { .. } => "invalid_value",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::Unknown { .. } => "unknown_value",
            Problem::Ambiguous { .. } => "ambiguous",
            Problem::Conflict { .. } => "conflict",
            Problem::Requires { .. } | Problem::Missing { .. } => "missing_parameter",
            Problem::TooLong { .. } => "too_long",
            Problem::AddressNotFound => "address_not_found",
        }
    }

    /// The whole message in Japanese.
    pub fn message(&self) -> String {
        let p = self.parameter;
        let v = &self.value;
        match &self.problem {
            Problem::Invalid { expected } => {
                format!("「{p}」の値「{v}」は正しくありません。{expected}で指定してください。")
            }
            Problem::OutOfRange { range } => {
                format!("「{p}」の値「{v}」は範囲外です。{range}で指定してください。")
            }
            Problem::Unknown { valid } => format!(
                "「{p}」の値「{v}」は使えません。使える値: {}",
                valid.join("、")
            ),
            Problem::Ambiguous { candidates } => format!(
                "「{p}」の値「{v}」は複数に当てはまります（{}）。市名などを加えてください。",
                candidates.join("、")
            ),
            Problem::Conflict { with } => {
                format!("「{p}」と「{with}」は同時に指定できません。")
            }
            Problem::Requires { other } => {
                format!("「{p}」には「{other}」も指定してください。")
            }
            Problem::Missing { expected } => format!("「{p}」を指定してください（{expected}）。"),
            Problem::TooLong { max } => format!("「{p}」は {max} 文字以内で指定してください。"),
            Problem::AddressNotFound => format!(
                "住所「{v}」が見つかりませんでした。区名・町名か郵便番号を確認してください。"
            ),
        }
    }

    /// An unknown kind or capability, or an ambiguous capability.
    pub fn vocabulary(parameter: &'static str, value: &str, e: &VocabularyError) -> Self {
        let problem = match e {
            VocabularyError::UnknownKind { valid, .. }
            | VocabularyError::UnknownCapability { valid, .. } => Problem::Unknown {
                valid: valid.split(", ").map(str::to_string).collect(),
            },
            VocabularyError::AmbiguousCapability { candidates, .. } => Problem::Ambiguous {
                candidates: candidates.split(", ").map(str::to_string).collect(),
            },
        };
        Self::new(parameter, value, problem, e.to_string())
    }

    /// A point that is not two numbers, or outside Japan.
    pub fn point(parameter: &'static str, value: &str, e: &LatLonError) -> Self {
        let problem = match e {
            LatLonError::LatOutOfRange(_) | LatLonError::LonOutOfRange(_) => Problem::OutOfRange {
                range: "日本国内の「緯度,経度」".into(),
            },
            LatLonError::NotANumber(_) | LatLonError::Shape(_) => Problem::Invalid {
                expected: "「緯度,経度」（例: 34.70,135.50）",
            },
        };
        Self::new(parameter, value, problem, e.to_string())
    }
}

/// The Japanese message, then the English detail: what the CLI prints.
impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (parameter '{}': {})",
            self.message(),
            self.parameter,
            self.detail
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_has_its_code_and_a_japanese_message() {
        let cases = [
            (Problem::Invalid { expected: "数値" }, "invalid_value"),
            (
                Problem::OutOfRange {
                    range: "0 より大きく 50 以下".into(),
                },
                "out_of_range",
            ),
            (
                Problem::Unknown {
                    valid: vec!["clinic".into()],
                },
                "unknown_value",
            ),
            (
                Problem::Ambiguous {
                    candidates: vec!["大阪市北区".into(), "堺市北区".into()],
                },
                "ambiguous",
            ),
            (Problem::Conflict { with: "covers" }, "conflict"),
            (Problem::Requires { other: "near" }, "missing_parameter"),
            (Problem::TooLong { max: 200 }, "too_long"),
            (Problem::AddressNotFound, "address_not_found"),
        ];
        for (problem, code) in cases {
            let e = QueryError::new("near", "x", problem, "detail");
            assert_eq!(e.code(), code);
            let m = e.message();
            assert!(!m.is_ascii() && !m.contains("detail"), "{m}");
            assert!(e.to_string().starts_with(&m) && e.to_string().ends_with("detail)"));
        }
    }
}
