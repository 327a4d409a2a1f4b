//! Import pages: upload → preview and column mapping → validation report → commit (in
//! the background, with progress) → history, with revert; sample sheets to download; and
//! the zone's per-field source precedence.

mod history;
mod precedence;
mod review;
mod samples;

use super::zone_for;
use crate::i18n::Tr;
use devzone_core::import::Target;
pub use history::*;
pub use precedence::*;
pub use review::*;
pub use samples::*;

/// Uploads larger than this are refused (a 100,000-row, 16-column sheet is about 8 MB).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Problems shown on the page; the downloadable report has all of them.
const SHOWN_PROBLEMS: usize = 300;

fn source_label(t: &Tr, id: &str) -> String {
    t.tv("source", id)
}

pub(crate) fn target_label(t: &Tr, target: Target) -> String {
    match (target, t.lang()) {
        (Target::Fact(f), "zh-CN") => f.label_zh().to_string(),
        (Target::Fact(f), _) => f.label_en().to_string(),
        (Target::Attr(_), _) => t.tv("import.target", target.id()),
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/imports", get(page))
        .route(
            "/zones/{id}/imports/upload",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/zones/{id}/imports/samples/{which}", get(sample))
        .route("/zones/{id}/export.zip", get(export_zone))
        .route(
            "/zones/{id}/imports/precedence",
            get(precedence).post(set_precedence),
        )
        .route("/imports/uploads/{id}", get(show_upload))
        .route("/imports/uploads/{id}/report", get(report))
        .route("/imports/uploads/{id}/commit", post(commit))
        .route("/imports/uploads/{id}/cancel", post(review::cancel))
        .route("/imports/{id}", get(show))
        .route("/imports/{id}/revert", post(revert))
}
