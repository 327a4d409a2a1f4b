//! Revitalisation cases: an idle or low-efficiency asset taken up, its plan and dated steps,
//! the hand-over, and the projects placed into it; zone totals.

use super::audit::{self, json};
use super::scoped::{ZoneRef, check_refs};
use crate::entities::{
    revitalisation_case as case, revitalisation_project as project, revitalisation_step as step,
};
use crate::{Actor, DbResult, Scope};
use devzone_core::land::validate::{CaseDraft, ProjectDraft, StepDraft};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

fn case_active(zone_id: i64, d: &CaseDraft) -> case::ActiveModel {
    case::ActiveModel {
        zone_id: Set(zone_id),
        title: Set(d.title.clone()),
        plot_id: Set(d.plot_id),
        building_id: Set(d.building_id),
        plan: Set(d.plan.id().into()),
        stage: Set(d.stage.id().into()),
        reason: Set(d.reason.clone()),
        area_m2: Set(d.area_m2),
        occupancy_before: Set(d.occupancy_before),
        occupancy_after: Set(d.occupancy_after),
        expected_rent: Set(d.expected_rent),
        actual_rent: Set(d.actual_rent),
        handed_over_on: Set(d.handed_over_on),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &CaseDraft,
    steps: &[StepDraft],
    projects: &[ProjectDraft],
) -> DbResult<case::Model> {
    let tx = db.begin().await?;
    check_refs(
        &tx,
        zone_id,
        &[
            ("plot_id", d.plot_id.map(ZoneRef::Plot)),
            ("building_id", d.building_id.map(ZoneRef::Building)),
        ],
    )
    .await?;
    let m = case_active(zone_id, d).insert(&tx).await?;
    for s in steps {
        insert_step(&tx, m.id, s).await?;
    }
    for p in projects {
        insert_project(&tx, zone_id, m.id, p).await?;
    }
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

async fn insert_step<C: ConnectionTrait>(
    db: &C,
    case_id: i64,
    s: &StepDraft,
) -> DbResult<step::Model> {
    Ok(step::ActiveModel {
        case_id: Set(case_id),
        title: Set(s.title.clone()),
        responsible: Set(s.responsible.clone()),
        due_on: Set(s.due_on),
        done_on: Set(s.done_on),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn insert_project<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    case_id: i64,
    p: &ProjectDraft,
) -> DbResult<project::Model> {
    check_refs(
        db,
        zone_id,
        &[("enterprise_id", p.enterprise_id.map(ZoneRef::Enterprise))],
    )
    .await?;
    Ok(project::ActiveModel {
        case_id: Set(case_id),
        name: Set(p.name.clone()),
        enterprise_id: Set(p.enterprise_id),
        investment: Set(p.investment),
        output: Set(p.output),
        tax: Set(p.tax),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Adds a step or a project to a case, audited.
pub async fn add_step(
    db: &DatabaseConnection,
    actor: &Actor,
    c: &case::Model,
    s: &StepDraft,
) -> DbResult<step::Model> {
    let tx = db.begin().await?;
    let m = insert_step(&tx, c.id, s).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "revitalisation_step")
            .id(m.id)
            .zone(c.zone_id)
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn add_project(
    db: &DatabaseConnection,
    actor: &Actor,
    c: &case::Model,
    p: &ProjectDraft,
) -> DbResult<project::Model> {
    let tx = db.begin().await?;
    let m = insert_project(&tx, c.zone_id, c.id, p).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "revitalisation_project")
            .id(m.id)
            .zone(c.zone_id)
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Moves a case to another stage, audited.
pub async fn set_stage(
    db: &DatabaseConnection,
    actor: &Actor,
    c: &case::Model,
    stage: devzone_core::model::CaseStage,
) -> DbResult<case::Model> {
    let tx = db.begin().await?;
    let mut a: case::ActiveModel = c.clone().into();
    a.stage = Set(stage.id().into());
    let m = a.update(&tx).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "revitalisation_case")
            .id(m.id)
            .zone(m.zone_id)
            .before(json(c))
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn list<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<case::Model>> {
    Ok(case::Entity::find()
        .filter(case::Column::ZoneId.eq(zone_id))
        .order_by_desc(case::Column::Id)
        .all(db)
        .await?)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<case::Model>> {
    super::scoped::get::<case::Entity, C>(db, scope, id).await
}

pub async fn steps<C: ConnectionTrait>(db: &C, case_id: i64) -> DbResult<Vec<step::Model>> {
    Ok(step::Entity::find()
        .filter(step::Column::CaseId.eq(case_id))
        .order_by_asc(step::Column::DueOn)
        .order_by_asc(step::Column::Id)
        .all(db)
        .await?)
}

pub async fn projects<C: ConnectionTrait>(
    db: &C,
    case_ids: &[i64],
) -> DbResult<Vec<project::Model>> {
    let mut out = Vec::new();
    for chunk in case_ids.chunks(500) {
        out.extend(
            project::Entity::find()
                .filter(project::Column::CaseId.is_in(chunk.to_vec()))
                .order_by_asc(project::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// A zone's revitalisation in figures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub cases: u64,
    /// Cases handed over or re-let.
    pub consolidated: u64,
    pub area_m2: f64,
    /// Area of the handed-over and re-let cases.
    pub revitalised_m2: f64,
    pub expected_rent: f64,
    pub actual_rent: f64,
    pub projects: u64,
    pub investment: f64,
    pub output: f64,
    pub tax: f64,
}

pub fn totals(cases: &[case::Model], projects: &[project::Model]) -> Totals {
    use devzone_core::model::CaseStage;
    let mut t = Totals {
        cases: cases.len() as u64,
        projects: projects.len() as u64,
        ..Default::default()
    };
    for c in cases {
        let done = matches!(
            CaseStage::parse(&c.stage),
            Some(CaseStage::HandedOver | CaseStage::Relet)
        );
        let area = c.area_m2.unwrap_or(0.0);
        t.area_m2 += area;
        if done {
            t.consolidated += 1;
            t.revitalised_m2 += area;
        }
        t.expected_rent += c.expected_rent.unwrap_or(0.0);
        t.actual_rent += c.actual_rent.unwrap_or(0.0);
    }
    for p in projects {
        t.investment += p.investment.unwrap_or(0.0);
        t.output += p.output.unwrap_or(0.0);
        t.tax += p.tax.unwrap_or(0.0);
    }
    t
}
