//! Server-rendered pages.

mod admin;
mod appeals;
mod auth;
mod chains;
mod enterprises;
pub(crate) mod evaluation;
mod home;
pub(crate) mod imports;
mod investment;
pub(crate) mod land;
mod requirements;
mod revitalisation;
mod taxonomy_form;
pub(crate) mod tiers;
mod tracks;
mod visits;

use crate::AppState;
use axum::Router;

/// Every page of the site: each area declares its own routes next to its handlers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(enterprises::routes())
        .merge(evaluation::routes())
        .merge(imports::routes())
        .merge(land::routes())
        .merge(requirements::routes())
        .merge(revitalisation::routes())
        .merge(chains::routes())
        .merge(taxonomy_form::routes())
        .merge(tracks::routes())
        .merge(tiers::routes())
        .merge(investment::routes())
        .merge(appeals::routes())
        .merge(visits::routes())
        .merge(admin::routes())
}

/// Reads a non-empty query/form value.
pub(crate) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub(crate) use crate::views::pager::query_without;

/// A zone the viewer may see; enterprise accounts have no zone pages.
pub(crate) async fn zone_for(
    state: &AppState,
    v: &crate::session::Viewer,
    id: i64,
) -> Result<devzone_db::entities::zone::Model, crate::error::PageError> {
    if v.scope.enterprise.is_some() {
        return Err(crate::error::PageError::not_found());
    }
    devzone_db::repo::zones::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(crate::error::PageError::not_found)
}
