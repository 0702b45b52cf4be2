//! The page at `/`: server-sent HTML and one small script, no framework and
//! no build step; everything it needs is in the binary.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

const PAGE: &str = include_str!("page.html");
// Separate files so the Content-Security-Policy can forbid inline code.
const SCRIPT: &str = include_str!("app.js");
const STYLE: &str = include_str!("app.css");
