//! Sample sheets to fill in, and the whole zone as a ZIP of CSV files.

use super::zone_for;
use crate::AppState;
use crate::error::PageError;
use crate::session::PageViewer;
use crate::views::attachment;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use devzone_core::import::templates;
use devzone_db::repo::imports::{self};

pub(super) const SAMPLE_IDS: [&str; 5] = [
    "register",
    "tax_bureau",
    "statistics_bureau",
    "power_company",
    "self_reported",
];

/// A sample sheet made from this zone's own enterprises (up to 200), for next year's figures.
pub async fn sample(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, which)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let rows = imports::sample_enterprises(&state.db.conn, id, 200).await?;
    let year = rows.1 + 1;
    let sample = templates::samples(&zone.name, year, &rows.0)
        .into_iter()
        .find(|s| s.id == which)
        .ok_or_else(PageError::not_found)?;
    let bytes = devzone_io::import::write_sample(&sample).map_err(|e| {
        tracing::error!(error = %e, "sample failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR)
    })?;
    let (mime, ext) = if sample.csv_gb18030 {
        ("text/csv; charset=gb18030", "csv")
    } else {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    Ok(attachment(
        bytes,
        mime,
        &format!("sample-{which}.{ext}"),
        &sample.file_name,
    ))
}

/// The whole zone as a ZIP of CSV files with a manifest.
pub async fn export_zone(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    v.require_write()?;
    let mut buf = std::io::Cursor::new(Vec::new());
    devzone_db::repo::transfer::export(&state.db.conn, id, &v.user.username, &mut buf).await?;
    Ok(attachment(
        buf.into_inner(),
        "application/zip",
        &format!("zone-{id}.zip"),
        &format!("{}-{}.zip", zone.name, devzone_core::calendar::stamp()),
    ))
}
