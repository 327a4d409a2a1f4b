//! Server-rendered pages.

mod admin;
mod auth;
mod chains;
mod enterprises;
pub(crate) mod evaluation;
mod home;
pub(crate) mod imports;
pub(crate) mod land;
mod requirements;
mod revitalisation;
mod tracks;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::root))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang", post(auth::switch_lang))
        .route("/zones/{id}", get(home::zone_home))
        .route(
            "/zones/{id}/enterprises",
            get(enterprises::list).post(enterprises::create),
        )
        .route("/zones/{id}/enterprises/export", get(enterprises::export))
        .route("/zones/{id}/enterprises/new", get(enterprises::new_form))
        .route(
            "/enterprises/{id}",
            get(enterprises::show).post(enterprises::update),
        )
        .route("/enterprises/{id}/edit", get(enterprises::edit_form))
        .route("/enterprises/{id}/facts", post(enterprises::add_facts))
        .route(
            "/enterprises/{id}/qualifications",
            post(enterprises::add_qualification),
        )
        .route(
            "/zones/{id}/evaluations",
            get(evaluation::runs).post(evaluation::start),
        )
        .route("/zones/{id}/evaluations/compare", get(evaluation::compare))
        .route(
            "/zones/{id}/evaluation-schemes",
            get(evaluation::scheme_form).post(evaluation::add_scheme),
        )
        .route("/evaluations/{id}", get(evaluation::show))
        .route("/evaluations/{id}/export", get(evaluation::export))
        .route("/evaluations/{id}/publish", post(evaluation::publish))
        .route("/evaluations/{id}/rankings", get(evaluation::rankings))
        .route("/evaluations/{id}/measures", get(evaluation::measures))
        .route(
            "/evaluations/{id}/enterprises/{enterprise}",
            get(evaluation::breakdown::show),
        )
        .route("/zones/{id}/imports", get(imports::page))
        .route(
            "/zones/{id}/imports/upload",
            post(imports::upload).layer(axum::extract::DefaultBodyLimit::max(
                imports::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/zones/{id}/imports/samples/{which}", get(imports::sample))
        .route("/zones/{id}/export.zip", get(imports::export_zone))
        .route(
            "/zones/{id}/imports/precedence",
            get(imports::precedence).post(imports::set_precedence),
        )
        .route("/imports/uploads/{id}", get(imports::show_upload))
        .route("/imports/uploads/{id}/report", get(imports::report))
        .route("/imports/uploads/{id}/commit", post(imports::commit))
        .route("/imports/{id}", get(imports::show))
        .route("/imports/{id}/revert", post(imports::revert))
        .route("/zones/{id}/land", get(land::overview))
        .route(
            "/zones/{id}/land/rules",
            get(land::rules).post(land::set_rules),
        )
        .route(
            "/zones/{id}/land/register.xlsx",
            get(land::register::download),
        )
        .route(
            "/zones/{id}/land/register",
            post(land::register::upload).layer(axum::extract::DefaultBodyLimit::max(
                imports::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/land/register/{id}", get(land::register::show))
        .route("/land/register/{id}/commit", post(land::register::commit))
        .route("/land/register/{id}/report", get(land::register::report))
        .route(
            "/zones/{id}/plots",
            get(land::plots::plots).post(land::plots::create_plot),
        )
        .route("/zones/{id}/plots/new", get(land::plots::new_plot))
        .route("/plots/{id}/buildings", post(land::plots::add_building))
        .route("/zones/{id}/plots/export", get(land::plots::plots_export))
        .route(
            "/plots/{id}",
            get(land::plots::plot_card).post(land::plots::update_plot),
        )
        .route("/plots/{id}/edit", get(land::plots::edit_plot))
        .route("/buildings/{id}", get(land::buildings::building_show))
        .route("/buildings/{id}/units", post(land::buildings::add_unit))
        .route(
            "/units/{id}",
            get(land::buildings::unit_show).post(land::buildings::update_unit),
        )
        .route("/buildings/{id}/leases", post(land::buildings::add_lease))
        .route("/zones/{id}/leases", get(land::buildings::leases))
        .route(
            "/zones/{id}/requirements",
            get(requirements::requirements).post(requirements::create_requirement),
        )
        .route("/requirements/{id}", get(requirements::requirement_show))
        .route(
            "/requirements/{id}/matches",
            post(requirements::set_match_stage),
        )
        .route(
            "/zones/{id}/revitalisation",
            get(revitalisation::cases).post(revitalisation::create_case),
        )
        .route("/revitalisation/{id}", get(revitalisation::case_show))
        .route("/revitalisation/{id}/steps", post(revitalisation::add_step))
        .route(
            "/revitalisation/{id}/projects",
            post(revitalisation::add_project),
        )
        .route(
            "/revitalisation/{id}/stage",
            post(revitalisation::set_case_stage),
        )
        .route("/zones/{id}/chains", get(chains::index))
        .route(
            "/zones/{id}/chain-taxonomies/{tax}",
            get(chains::taxonomy_source).post(chains::save_taxonomy),
        )
        .route("/zones/{id}/chains/suggest", post(chains::run_suggestions))
        .route(
            "/zones/{id}/chains/thresholds",
            post(chains::set_thresholds),
        )
        .route(
            "/zones/{id}/chains/review",
            get(chains::review_queue).post(chains::review),
        )
        .route("/zones/{id}/chains/{tax}/nodes/{node}", get(chains::node))
        .route(
            "/zones/{id}/chains/mappings/{mapping}/leading",
            post(chains::set_leading),
        )
        .route(
            "/zones/{id}/chains/{tax}/nodes/{node}/enterprises",
            post(chains::add_manual),
        )
        .route("/zones/{id}/chains/{tax}/{chain}", get(chains::chain))
        .route(
            "/zones/{id}/chains/{tax}/{chain}/targets",
            get(chains::targets_export),
        )
        .route("/zones/{id}/tracks", get(tracks::overview))
        .route("/zones/{id}/tracks/{tax}/{track}", get(tracks::track))
        .route(
            "/zones/{id}/tracks/{tax}/{track}/records",
            post(tracks::add_record),
        )
        .route(
            "/zones/{id}/tracks/{tax}/{track}/stage",
            post(tracks::set_stage),
        )
        .route(
            "/zones/{id}/targets",
            get(tracks::targets).post(tracks::add_target),
        )
        .route(
            "/zones/{id}/location-quotient",
            get(tracks::lq).post(tracks::upload_province).layer(
                axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES),
            ),
        )
        .route("/admin/audit", get(admin::audit))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{name}/disabled", post(admin::set_disabled))
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
