//! Investment projects: create and edit, stage changes checked against the zone's path (or
//! recorded as an exception with a reason), follow-up reports and activities, the money a
//! project brought in each year, the zone's pipeline rules, lists, and what the year's figures
//! read.

use super::audit::{self, json};
use super::scoped::{ZoneRef, check_refs};
use crate::entities::{investment_rules, project, project_event as event, project_funds as funds};
use crate::{Actor, DbError, DbResult};
use chrono::NaiveDate;
use devzone_core::investment::figures::{ProjectRow, YearFunds};
use devzone_core::investment::rules::ProjectFacts;
use devzone_core::investment::stages::ActivityKind;
use devzone_core::investment::stages::{MoveRefused, check_move};
use devzone_core::investment::validate::{ProjectDraft, StageChange};
use devzone_core::investment::{PipelineRules, Stage};
use devzone_core::validate::FieldError;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

/// The zone's pipeline rules, with the zone's working calendar when it has set one (the
/// calendar the rules held before there was a zone calendar stays their own otherwise).
pub async fn rules<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<PipelineRules> {
    let mut rules: PipelineRules = investment_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_str(&r.rules).ok())
        .unwrap_or_default();
    if let Some(cal) = super::calendar::get(db, zone_id).await? {
        rules.calendar = cal;
    }
    Ok(rules)
}

/// Saves a zone's pipeline rules (checked by the caller with `PipelineRules::check`).
pub async fn set_rules(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rules: &PipelineRules,
) -> DbResult<()> {
    let text = serde_json::to_string(rules).map_err(|e| DbError::Other(e.to_string()))?;
    let row = |zone_id, rules| investment_rules::ActiveModel {
        zone_id: Set(zone_id),
        rules: Set(rules),
    };
    let text_of = |m: investment_rules::Model| m.rules;
    audit::put_zone_text(db, actor, zone_id, "investment_rules", text, row, text_of).await
}

fn fill(a: &mut project::ActiveModel, d: &ProjectDraft) {
    a.name = Set(d.name.clone());
    a.enterprise_id = Set(d.enterprise_id);
    a.investor = Set(d.investor.clone());
    a.country = Set(d.country.clone());
    a.parent_group = Set(d.parent_group.clone());
    a.fortune_global_500 = Set(d.fortune_global_500);
    a.china_500 = Set(d.china_500);
    a.private_500 = Set(d.private_500);
    a.industry_code = Set(d.industry_code.clone());
    a.chain_node = Set(d.chain_node.clone());
    a.total_yuan = Set(d.total_yuan);
    a.fixed_yuan = Set(d.fixed_yuan);
    a.currency = Set(d.currency.clone());
    a.contracted_fdi_usd = Set(d.contracted_fdi_usd);
    a.output_yuan = Set(d.output_yuan);
    a.tax_yuan = Set(d.tax_yuan);
    a.jobs = Set(d.jobs);
    a.land_mu = Set(d.land_mu);
    a.space_m2 = Set(d.space_m2);
    a.source = Set(d.source.clone());
    a.officer = Set(d.officer.clone());
    a.confidential = Set(d.confidential);
    a.received_on = Set(d.received_on);
}

/// A new project, a lead received on the draft's day, with its first event.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &ProjectDraft,
) -> DbResult<project::Model> {
    let tx = db.begin().await?;
    check_refs(
        &tx,
        zone_id,
        &[("enterprise_id", d.enterprise_id.map(ZoneRef::Enterprise))],
    )
    .await?;
    let mut a = project::ActiveModel {
        zone_id: Set(zone_id),
        stage: Set(Stage::Lead.id().into()),
        stage_on: Set(d.received_on),
        last_activity_on: Set(d.received_on),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    fill(&mut a, d);
    let m = a.insert(&tx).await?;
    add_event(&tx, actor, &m, d.received_on, "created", None, None, None).await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    before: &project::Model,
    d: &ProjectDraft,
) -> DbResult<project::Model> {
    let tx = db.begin().await?;
    check_refs(
        &tx,
        before.zone_id,
        &[("enterprise_id", d.enterprise_id.map(ZoneRef::Enterprise))],
    )
    .await?;
    let mut a: project::ActiveModel = before.clone().into();
    fill(&mut a, d);
    let m = a.update(&tx).await?;
    audit::updated(&tx, actor, before, &m).await?;
    tx.commit().await?;
    Ok(m)
}

#[allow(clippy::too_many_arguments)]
async fn add_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    p: &project::Model,
    on: NaiveDate,
    kind: &str,
    stages: Option<(Stage, Stage)>,
    note: Option<String>,
    exception: Option<String>,
) -> DbResult<event::Model> {
    Ok(event::ActiveModel {
        project_id: Set(p.id),
        zone_id: Set(p.zone_id),
        on: Set(on),
        kind: Set(kind.into()),
        from_stage: Set(stages.map(|s| s.0.id().into())),
        to_stage: Set(stages.map(|s| s.1.id().into())),
        note: Set(note),
        exception: Set(exception),
        username: Set(actor.username.clone()),
        at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The day of a project's latest event: a new one may not come before it.
pub async fn last_event_on<C: ConnectionTrait>(
    db: &C,
    project_id: i64,
) -> DbResult<Option<NaiveDate>> {
    Ok(event::Entity::find()
        .select_only()
        .column_as(event::Column::On.max(), "on")
        .filter(event::Column::ProjectId.eq(project_id))
        .into_tuple::<Option<NaiveDate>>()
        .one(db)
        .await?
        .flatten())
}

/// Moves a project to another stage. A move the zone's path refuses is refused with its rule
/// on `to` (nothing written), unless the change carries an exception reason: then it is made
/// and the event keeps the reason and the rule it broke.
pub async fn change_stage(
    db: &DatabaseConnection,
    actor: &Actor,
    rules: &PipelineRules,
    p: &project::Model,
    c: &StageChange,
) -> DbResult<project::Model> {
    let from = Stage::parse(&p.stage).unwrap_or(Stage::Lead);
    let registered = p.registered_on.is_some();
    let refused = check_move(&rules.path, from, c.to, registered).err();
    let exception = match (&refused, &c.exception_reason) {
        (Some(r), None) => {
            let mut e = FieldError::new("to", r.rule(), c.to.id());
            if let MoveRefused::Skips(s) = r {
                e = e.with_detail(s.id());
            }
            return Err(DbError::Invalid(vec![e]));
        }
        (Some(r), Some(reason)) => Some(format!("{}: {reason}", r.rule())),
        (None, _) => None,
    };
    let tx = db.begin().await?;
    let mut a: project::ActiveModel = p.clone().into();
    a.stage = Set(c.to.id().into());
    a.stage_on = Set(c.on);
    a.last_activity_on = Set(Ord::max(c.on, p.last_activity_on));
    if p.acknowledged_on.is_none() {
        a.acknowledged_on = Set(Some(c.on));
    }
    if p.screened_on.is_none() && (c.to == Stage::Halted || rules.reached(c.to, Stage::Negotiating))
    {
        a.screened_on = Set(Some(c.on));
    }
    if matches!(c.to, Stage::Screening | Stage::Negotiating) {
        // Following begins: the first report is due a report period from now.
        a.last_report_on = Set(Some(c.on));
    }
    // The milestone dates the figures count: set when the stage (or a later one) is first
    // reached by a move that does not skip it; an exception that skips one leaves it empty.
    let milestones = [
        (Stage::Signed, &p.signed_on, &mut a.signed_on),
        (Stage::Registered, &p.registered_on, &mut a.registered_on),
        (Stage::Started, &p.started_on, &mut a.started_on),
        (Stage::Completed, &p.completed_on, &mut a.completed_on),
        (Stage::Producing, &p.producing_on, &mut a.producing_on),
    ];
    for (s, was, col) in milestones {
        if was.is_none() && c.to == s {
            *col = Set(Some(c.on));
        }
    }
    let m = a.update(&tx).await?;
    add_event(
        &tx,
        actor,
        &m,
        c.on,
        "stage",
        Some((from, c.to)),
        c.note.clone(),
        exception,
    )
    .await?;
    audit::updated(&tx, actor, p, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn record_activity(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &project::Model,
    kind: ActivityKind,
    on: NaiveDate,
    note: Option<String>,
) -> DbResult<project::Model> {
    let tx = db.begin().await?;
    let mut a: project::ActiveModel = p.clone().into();
    a.last_activity_on = Set(Ord::max(on, p.last_activity_on));
    match kind {
        ActivityKind::Acknowledged if p.acknowledged_on.is_none() => {
            a.acknowledged_on = Set(Some(on))
        }
        ActivityKind::Report => {
            a.last_report_on = Set(Some(Ord::max(on, p.last_report_on.unwrap_or(on))))
        }
        _ => {}
    }
    let m = a.update(&tx).await?;
    add_event(&tx, actor, &m, on, kind.id(), None, note, None).await?;
    audit::updated(&tx, actor, p, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// A project's events, oldest first.
pub async fn events<C: ConnectionTrait>(db: &C, project_id: i64) -> DbResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::ProjectId.eq(project_id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// A project's money by year, oldest first.
pub async fn funds_of<C: ConnectionTrait>(db: &C, project_id: i64) -> DbResult<Vec<funds::Model>> {
    Ok(funds::Entity::find()
        .filter(funds::Column::ProjectId.eq(project_id))
        .order_by_asc(funds::Column::Year)
        .all(db)
        .await?)
}

/// Records (or replaces) what a project brought in a year.
pub async fn set_funds(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &project::Model,
    year: i32,
    received_yuan: f64,
    fdi_used_usd: f64,
) -> DbResult<funds::Model> {
    let tx = db.begin().await?;
    let before = funds::Entity::find()
        .filter(funds::Column::ProjectId.eq(p.id))
        .filter(funds::Column::Year.eq(year))
        .one(&tx)
        .await?;
    let m = match &before {
        Some(b) => {
            let mut a: funds::ActiveModel = b.clone().into();
            a.received_yuan = Set(received_yuan);
            a.fdi_used_usd = Set(fdi_used_usd);
            a.update(&tx).await?
        }
        None => {
            funds::ActiveModel {
                project_id: Set(p.id),
                zone_id: Set(p.zone_id),
                year: Set(year),
                received_yuan: Set(received_yuan),
                fdi_used_usd: Set(fdi_used_usd),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
    };
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "project_funds")
            .id(p.id)
            .zone(p.zone_id)
            .before(before.as_ref().and_then(json))
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// What the rules read of a stored project.
pub fn facts(p: &project::Model) -> ProjectFacts {
    ProjectFacts {
        stage: Stage::parse(&p.stage),
        total_yuan: p.total_yuan,
        fixed_yuan: p.fixed_yuan,
        received_on: Some(p.received_on),
        acknowledged_on: p.acknowledged_on,
        screened_on: p.screened_on,
        signed_on: p.signed_on,
        registered_on: p.registered_on,
        started_on: p.started_on,
        last_activity_on: Some(p.last_activity_on),
        last_report_on: p.last_report_on,
    }
}

/// A page of the project list: its filters, order and page.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    pub stage: Option<Stage>,
    pub officer: Option<String>,
    /// A GB/T 4754 code or its prefix (a division, a group).
    pub industry: Option<String>,
    pub country: Option<String>,
    /// Only projects with no stage change or activity for the rules' stall days.
    pub stalled: bool,
    /// Part of the name or the investor.
    pub q: Option<String>,
    pub sort: ProjectSort,
    pub page: u64,
    pub per_page: u64,
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectSort {
    #[default]
    Newest,
    Investment,
    LastActivity,
    Signed,
}

/// One page of a zone's projects.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    f: &ProjectQuery,
    rules: &PipelineRules,
    today: NaiveDate,
) -> DbResult<super::Page<project::Model>> {
    let mut q = project::Entity::find().filter(project::Column::ZoneId.eq(zone_id));
    if let Some(s) = f.stage {
        q = q.filter(project::Column::Stage.eq(s.id()));
    }
    if let Some(o) = f.officer.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(project::Column::Officer.eq(o));
    }
    if let Some(c) = f.country.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(project::Column::Country.eq(c));
    }
    if let Some(i) = f.industry.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(project::Column::IndustryCode.starts_with(i));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            super::contains_text(project::Column::Name, text)
                .or(super::contains_text(project::Column::Investor, text)),
        );
    }
    if f.stalled {
        let since = today - chrono::Days::new(rules.stall_days as u64);
        let ended = [
            Stage::Halted.id(),
            Stage::MovedOut.id(),
            Stage::FullOutput.id(),
        ];
        q = q
            .filter(project::Column::LastActivityOn.lt(since))
            .filter(project::Column::Stage.is_not_in(ended));
    }
    use sea_orm::Order::Desc;
    use sea_orm::sea_query::NullOrdering;
    q = match f.sort {
        ProjectSort::Newest => q.order_by_desc(project::Column::Id),
        ProjectSort::Investment => q
            .order_by_with_nulls(project::Column::TotalYuan, Desc, NullOrdering::Last)
            .order_by_desc(project::Column::Id),
        ProjectSort::LastActivity => q
            .order_by_asc(project::Column::LastActivityOn)
            .order_by_asc(project::Column::Id),
        ProjectSort::Signed => q
            .order_by_with_nulls(project::Column::SignedOn, Desc, NullOrdering::Last)
            .order_by_desc(project::Column::Id),
    };
    super::paged(db, q, f.page, f.per_page).await
}

/// The first `n` projects of a stage, longest without activity first: a column of the board
/// (the page counts the column from the zone's kept projects).
pub async fn longest_quiet<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    stage: Stage,
    n: u64,
) -> DbResult<Vec<project::Model>> {
    Ok(project::Entity::find()
        .filter(project::Column::ZoneId.eq(zone_id))
        .filter(project::Column::Stage.eq(stage.id()))
        .order_by_asc(project::Column::LastActivityOn)
        .order_by_asc(project::Column::Id)
        .limit(n)
        .all(db)
        .await?)
}

/// The officers named on the zone's projects, for the list's filter.
pub async fn officers<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<String>> {
    Ok(project::Entity::find()
        .select_only()
        .column(project::Column::Officer)
        .distinct()
        .filter(project::Column::ZoneId.eq(zone_id))
        .filter(project::Column::Officer.is_not_null())
        .order_by_asc(project::Column::Officer)
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// Every project of the zone as the year's figures read it, and every year's money.
pub async fn figure_inputs<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<(Vec<ProjectRow>, Vec<YearFunds>)> {
    let projects = project::Entity::find()
        .filter(project::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| ProjectRow {
            id: p.id,
            facts: facts(&p),
            name: p.name,
            completed_on: p.completed_on,
            country: p.country,
            fortune_global_500: p.fortune_global_500,
            parent_group: p.parent_group,
            contracted_fdi_usd: p.contracted_fdi_usd,
        })
        .collect();
    let money = funds::Entity::find()
        .select_only()
        .columns([
            funds::Column::ProjectId,
            funds::Column::Year,
            funds::Column::ReceivedYuan,
            funds::Column::FdiUsedUsd,
        ])
        .filter(funds::Column::ZoneId.eq(zone_id))
        .into_tuple::<(i64, i32, f64, f64)>()
        .all(db)
        .await?
        .into_iter()
        .map(
            |(project_id, year, received_yuan, fdi_used_usd)| YearFunds {
                project_id,
                year,
                received_yuan,
                fdi_used_usd,
            },
        )
        .collect();
    Ok((projects, money))
}
