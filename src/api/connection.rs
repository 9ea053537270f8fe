//! The socket as hyper sees it. When hyper cannot parse a request (a malformed request
//! line, headers past its buffer, a URI too long) it answers by itself, before any of our
//! code runs, with an empty 400 / 414 / 431. [`JsonParseErrors`] rewrites exactly those
//! answers into the API's JSON error shape as they are written, so every error a client
//! can get has one shape.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ApiError;

/// A stream whose writes pass through unchanged, except hyper's own parse-error answers.
pub struct JsonParseErrors<S> {
    inner: S,
    /// A rewritten answer being written: its bytes, how many are written, and how many
    /// bytes of hyper's original to report once all are.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> JsonParseErrors<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// hyper's automatic answer to a request it could not parse: a bare head with one of its
/// three statuses and `content-length: 0`. Our own answers with those statuses always
/// carry a JSON body, so they never match.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let status = match head.get(..13)? {
        b"HTTP/1.1 400 " => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414 " => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431 " => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    if !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text[..text.len() - 4].split("\r\n");
    let status_line = lines.next()?;
    let mut empty = false;
    let mut kept = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => empty = true,
            "content-length" | "content-type" | "transfer-encoding" => return None,
            _ => kept.push(line),
        }
    }
    if !empty {
        return None;
    }
    let body = ApiError::from_status(status).json_body();
    let mut out = format!("{status_line}\r\n");
    for line in kept {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("content-type: application/json\r\n");
    out.push_str(&format!("content-length: {}\r\n", body.len()));
    out.push_str("connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

impl<S: AsyncWrite + Unpin> JsonParseErrors<S> {
    fn drive_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let (bytes, written, report) = self.pending.as_mut().expect("called with a pending answer");
        while *written < bytes.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => {
                    self.pending = None;
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => {
                    self.pending = None;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
        let report = *report;
        self.pending = None;
        Poll::Ready(Ok(report))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonParseErrors<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            match rewrite(buf) {
                Some(answer) => this.pending = Some((answer, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        this.drive_pending(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper writes a bodiless head as one slice; anything else passes through.
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            return self.poll_write(cx, only);
        }
        let this = self.get_mut();
        if this.pending.is_some() {
            return this.drive_pending(cx);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_some() {
            if let Poll::Ready(Err(e)) = this.drive_pending(cx) {
                return Poll::Ready(Err(e));
            }
            if this.pending.is_some() {
                return Poll::Pending;
            }
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_bare_parse_error_answers_get_the_json_shape() {
        for (status, code) in [
            ("400 Bad Request", "bad_request"),
            ("431 Request Header Fields Too Large", "too_large"),
            ("414 URI Too Long", "too_large"),
        ] {
            let head = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 11:00:00 GMT\r\n\r\n");
            let out = String::from_utf8(rewrite(head.as_bytes()).expect("rewritten")).unwrap();
            let (head, body) = out.split_once("\r\n\r\n").unwrap();
            assert!(
                head.starts_with(&format!("HTTP/1.1 {status}\r\n")),
                "{head}"
            );
            assert!(head.contains("date: Sun, 06 Dec 2026"), "{head}");
            assert!(head.contains("content-type: application/json"), "{head}");
            assert!(
                head.contains(&format!("content-length: {}", body.len())),
                "{head}"
            );
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(v["error"]["code"], code, "{body}");
        }
    }

    #[test]
    fn our_own_answers_pass_unchanged() {
        for head in [
            // An API 400 has a JSON body.
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n",
            // A 200 is never touched, nor a head still missing its end.
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            "HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n",
        ] {
            assert_eq!(rewrite(head.as_bytes()), None, "{head}");
        }
    }
}
