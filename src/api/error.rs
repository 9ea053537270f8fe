//! One JSON error shape for every failure: `{"error": {"code", "message", "parameter"}}`.
//! Messages are Japanese (they are shown to users); 5xx never carry internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::search::{Problem, QueryError};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    parameter: Option<&'a str>,
}

impl ApiError {
    /// A 400 about one parameter of the request itself (unknown, repeated, not UTF-8);
    /// errors about a parameter's value come from [`QueryError`].
    pub fn parameter(code: &'static str, parameter: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            parameter: Some(parameter.to_string()),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
            parameter: None,
        }
    }

    /// The JSON shape for an error response something else produced (axum's rejections,
    /// the body limit, the timeout, a wrong method).
    pub fn from_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "このメソッドは使えません（API は GET、再読み込みは POST です）。",
            ),
            StatusCode::NOT_FOUND => (
                "not_found",
                "見つかりません。/api/v1/openapi.json を参照してください。",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "リクエストの本文が大きすぎます。"),
            StatusCode::REQUEST_TIMEOUT => (
                "timeout",
                "処理に時間がかかりすぎました。条件を絞って再度お試しください。",
            ),
            StatusCode::URI_TOO_LONG | StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
                ("too_large", "リクエストが大きすぎます。")
            }
            s if s.is_server_error() => (
                "internal",
                "サーバー内部でエラーが発生しました。時間をおいて再度お試しください。",
            ),
            _ => (
                "bad_request",
                "リクエストの形式が正しくありません（パスは UTF-8 で指定してください）。",
            ),
        };
        Self {
            status,
            code,
            message: message.into(),
            parameter: None,
        }
    }

    /// Logged with its cause; the client sees only that something failed.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(cause = crate::fault::report(cause), "internal error");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "サーバー内部でエラーが発生しました。時間をおいて再度お試しください。".into(),
            parameter: None,
        }
    }

    /// A query parameter the endpoint does not take.
    pub fn unknown_parameter(name: &str) -> Self {
        Self::parameter(
            "unknown_parameter",
            name,
            format!("不明なパラメータ「{name}」です。"),
        )
    }

    /// A query parameter given twice that takes one value.
    pub fn duplicate_parameter(name: &str) -> Self {
        Self::parameter(
            "duplicate_parameter",
            name,
            format!("パラメータ「{name}」が2回以上指定されています。"),
        )
    }

    /// Over the per-client rate limit: try again in `wait` seconds.
    pub fn rate_limited(wait: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: format!("リクエストが多すぎます。{wait} 秒ほど待ってから再度お試しください。"),
            parameter: None,
        }
    }

    /// A part the server lacks (the PDF font): 503 with what is missing.
    pub fn missing_part(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "unavailable",
            message: message.into(),
            parameter: None,
        }
    }

    pub fn unavailable() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "not_ready",
            message: "索引を読み込み中です。しばらくお待ちください。".into(),
            parameter: None,
        }
    }
}

/// A refused parameter value: the problem's code and the Japanese message. An address
/// that cannot be placed is 404 (nothing there), every other problem 400.
impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        Self {
            status: match e.problem {
                Problem::AddressNotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::BAD_REQUEST,
            },
            code: e.code(),
            message: e.message(),
            parameter: Some(e.parameter.to_string()),
        }
    }
}

impl ApiError {
    fn body(&self) -> Body<'_> {
        Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                parameter: self.parameter.as_deref(),
            },
        }
    }

    /// The JSON body alone, for answers written below axum (see `connection.rs`).
    pub fn json_body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.body()).expect("the error shape always serialises")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
