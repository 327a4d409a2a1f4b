//! Two runs compared: which enterprises changed class, and why.

use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::pages::zone_for;
use crate::session::PageViewer;
use crate::views::{Chrome, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use devzone_core::model::RunStatus;
use devzone_db::entities::evaluation_run;
use devzone_db::repo::evaluation::{self as ev};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    a: Option<i64>,
    b: Option<i64>,
}

pub struct MoveRow {
    pub enterprise_id: i64,
    pub name: String,
    pub group: String,
    pub before: String,
    pub after: String,
    pub total_before: String,
    pub total_after: String,
    pub drivers: String,
    pub better: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/compare.html")]
pub(super) struct ComparePage {
    c: Chrome,
    zone_id: i64,
    runs: Vec<(i64, String)>,
    a: i64,
    b: i64,
    moves: Vec<MoveRow>,
    summary: String,
    /// Why nothing is compared: fewer than two finished runs, or the same run twice.
    notice: String,
}

pub async fn compare(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Query(p): Query<CompareParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let runs: Vec<evaluation_run::Model> = ev::runs(db, zone_id)
        .await?
        .into_iter()
        .filter(|r| r.status == RunStatus::Done.id())
        .collect();
    let label = |r: &evaluation_run::Model| {
        format!(
            "#{} · {} · {} v{}",
            r.id, r.year, r.scheme_name, r.scheme_version
        )
    };
    let (a, b) = match (p.a, p.b) {
        (Some(a), Some(b)) => (a, b),
        _ => (
            runs.get(1).map_or(0, |r| r.id),
            runs.first().map_or(0, |r| r.id),
        ),
    };
    let (ra, rb) = (
        runs.iter().find(|r| r.id == a),
        runs.iter().find(|r| r.id == b),
    );
    let mut moves = Vec::new();
    let mut summary = String::new();
    let notice = if runs.len() < 2 {
        t.t("eval.compare_need_two").to_string()
    } else if a == b {
        t.t("eval.compare_same").to_string()
    } else {
        String::new()
    };
    if let (Some(ra), Some(rb), true) = (ra, rb, notice.is_empty()) {
        let scheme = scheme_of(rb)?;
        let rank_of = |c: &Option<String>, grp: &str| {
            scheme.group(grp).and_then(|(_, g)| {
                c.as_ref()
                    .and_then(|c| g.classes.names.iter().position(|n| n == c))
            })
        };
        let list = ev::compare(db, ra.id, rb.id).await?;
        let (mut up, mut down) = (0, 0);
        for m in list {
            let better = match (
                rank_of(&m.class_before, &m.grp),
                rank_of(&m.class_after, &m.grp),
            ) {
                (Some(x), Some(y)) => y < x,
                _ => false,
            };
            if better {
                up += 1
            } else {
                down += 1
            }
            moves.push(MoveRow {
                enterprise_id: m.enterprise_id,
                group: group_label(&t, &scheme, &m.grp),
                before: class_label(&t, m.class_before.as_deref()),
                after: class_label(&t, m.class_after.as_deref()),
                total_before: num(m.total_before, 2),
                total_after: num(m.total_after, 2),
                drivers: m
                    .drivers
                    .iter()
                    .take(3)
                    .map(|(id, d)| {
                        format!(
                            "{} {}{}",
                            indicator_label(&t, &scheme, id),
                            if *d > 0.0 { "+" } else { "" },
                            grouped(*d, 2)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(t.t("list.sep_clause")),
                name: m.name,
                better,
            });
        }
        summary = t.f(
            "eval.compare_summary",
            &[("up", &up.to_string()), ("down", &down.to_string())],
        );
    }
    Ok(ComparePage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", zone.name, t.t("eval.compare")),
            Some(zone_id),
        )
        .await?,
        zone_id,
        runs: runs.iter().map(|r| (r.id, label(r))).collect(),
        a,
        b,
        moves,
        summary,
        notice,
    }
    .into_response())
}
