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

const PAGE: &str = include_str!("page.html");
