//! Enterprise appeals: raise one (its due days fixed by the zone's rules and calendar on the
//! day it is received), act on it through the states of `core::appeals::states` (refused with
//! the rule when out of order), its timeline, the zone's rules, the list with its filters,
//! and what the metrics read.

use super::audit::{self};
use super::scoped::{ZoneRef, check_refs};
use crate::entities::{appeal, appeal_event as event, appeal_rules, enterprise};
use crate::{Actor, DbError, DbResult, Scope};
use chrono::NaiveDate;
use devzone_core::appeals::metrics::AppealFacts;
use devzone_core::appeals::progress::Progress;
use devzone_core::appeals::rules::Dues;
use devzone_core::appeals::states::allowed_from;
use devzone_core::appeals::validate::{ActionDraft, AppealDraft};
use devzone_core::appeals::{AppealRules, AppealState, Resolution, Urgency};
use devzone_core::calendar::WorkCalendar;
use devzone_core::validate::FieldError;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

pub async fn rules<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<AppealRules> {
    Ok(appeal_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_str(&r.content).ok())
        .unwrap_or_default())
}

/// Saves a zone's appeal rules (checked by the caller with `AppealRules::check`).
pub async fn set_rules(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rules: &AppealRules,
) -> DbResult<()> {
    let text = serde_json::to_string(rules).map_err(|e| DbError::Other(e.to_string()))?;
    let row = |zone_id, content| appeal_rules::ActiveModel {
        zone_id: Set(zone_id),
        content: Set(content),
    };
    let text_of = |m: appeal_rules::Model| m.content;
    audit::put_zone_text(db, actor, zone_id, "appeal_rules", text, row, text_of).await
}

/// The appeal `id` if `scope` may see it: in one of its zones, and an enterprise account's
/// own.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<appeal::Model>> {
    Ok(super::scoped::get::<appeal::Entity, _>(db, scope, id)
        .await?
        .filter(|a| scope.enterprise.is_none_or(|e| e == a.enterprise_id)))
}

/// The due days stored on an appeal.
pub fn dues(a: &appeal::Model) -> Dues {
    Dues {
        acknowledge: a.acknowledge_due,
        answer: a.answer_due,
        resolve: a.resolve_due,
    }
}

pub fn state(a: &appeal::Model) -> AppealState {
    AppealState::parse(&a.state).unwrap_or(AppealState::Received)
}

/// A new appeal, received on the draft's day, with its first event. `by_enterprise`: raised
/// by the enterprise's own account.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rules: &AppealRules,
    cal: &WorkCalendar,
    d: &AppealDraft,
    by_enterprise: bool,
) -> DbResult<appeal::Model> {
    let tx = db.begin().await?;
    let enterprise_id = d
        .enterprise_id
        .ok_or_else(|| DbError::Invalid(vec![FieldError::new("enterprise_id", "required", "")]))?;
    check_refs(
        &tx,
        zone_id,
        &[("enterprise_id", Some(ZoneRef::Enterprise(enterprise_id)))],
    )
    .await?;
    let park_id = enterprise::Entity::find_by_id(enterprise_id)
        .select_only()
        .column(enterprise::Column::ParkId)
        .into_tuple::<Option<i64>>()
        .one(&tx)
        .await?
        .flatten();
    let dues = rules.dues(cal, d.received_on, &d.category, d.urgency);
    let mut m = appeal::ActiveModel {
        zone_id: Set(zone_id),
        enterprise_id: Set(enterprise_id),
        park_id: Set(park_id),
        title: Set(d.title.clone()),
        description: Set(d.description.clone()),
        category: Set(d.category.clone()),
        urgency: Set(d.urgency.id().into()),
        channel: Set(d.channel.id().into()),
        received_on: Set(d.received_on),
        acknowledge_due: Set(dues.acknowledge),
        answer_due: Set(dues.answer),
        resolve_due: Set(dues.resolve),
        raised_by: Set(actor.username.clone()),
        visit_id: Set(d.visit_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    set_progress(&mut m, &Progress::new(d.received_on, &dues));
    let m = m.insert(&tx).await?;
    add_event(
        &tx,
        actor,
        &m,
        d.received_on,
        "created",
        None,
        None,
        None,
        by_enterprise,
    )
    .await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

#[allow(clippy::too_many_arguments)]
async fn add_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    a: &appeal::Model,
    on: NaiveDate,
    action: &str,
    from: Option<AppealState>,
    note: Option<String>,
    rating: Option<u8>,
    by_enterprise: bool,
) -> DbResult<event::Model> {
    Ok(event::ActiveModel {
        appeal_id: Set(a.id),
        zone_id: Set(a.zone_id),
        on: Set(on),
        action: Set(action.into()),
        from_state: Set(from.map(|s| s.id().into())),
        to_state: Set(a.state.clone()),
        department: Set(a.department.clone()),
        note: Set(note),
        rating: Set(rating.map(i16::from)),
        by_enterprise: Set(by_enterprise),
        username: Set(actor.username.clone()),
        at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Takes an action on an appeal. One the states refuse is refused with its rule on
/// `action` (the states it may be taken in as the detail) and nothing is written.
pub async fn act(
    db: &DatabaseConnection,
    actor: &Actor,
    rules: &AppealRules,
    cal: &WorkCalendar,
    a: &appeal::Model,
    d: &ActionDraft,
    by_enterprise: bool,
) -> DbResult<appeal::Model> {
    let mut p = progress_of(a);
    let from = p.state;
    let to = p
        .next(d.action, by_enterprise, rules, cal, d.on)
        .map_err(|r| {
            let allowed: Vec<&str> = allowed_from(d.action).iter().map(|s| s.id()).collect();
            DbError::Invalid(vec![
                FieldError::new("action", r.rule(), d.action.id()).with_detail(allowed.join(",")),
            ])
        })?;
    p.apply(to, d, &dues(a));
    let tx = db.begin().await?;
    let mut m: appeal::ActiveModel = a.clone().into();
    set_progress(&mut m, &p);
    // Written only if the appeal is still as it was read: two acts sent at once (a double
    // click, an officer's close racing the enterprise's confirmation) must not both pass the
    // state check. The second is refused and may be sent again on the appeal as it now is.
    let rating = match a.rating {
        Some(r) => appeal::Column::Rating.eq(r),
        None => appeal::Column::Rating.is_null(),
    };
    let written = appeal::Entity::update_many()
        .set(m)
        .filter(appeal::Column::Id.eq(a.id))
        .filter(appeal::Column::State.eq(a.state.clone()))
        .filter(appeal::Column::Reopens.eq(a.reopens))
        .filter(appeal::Column::LastEventOn.eq(a.last_event_on))
        .filter(rating)
        .exec(&tx)
        .await?;
    if written.rows_affected == 0 {
        return Err(DbError::Invalid(vec![FieldError::new(
            "action",
            "appeal.changed",
            d.action.id(),
        )]));
    }
    let after = appeal::Entity::find_by_id(a.id)
        .one(&tx)
        .await?
        .ok_or(DbError::NotFound)?;
    add_event(
        &tx,
        actor,
        &after,
        d.on,
        d.action.id(),
        Some(from),
        d.note.clone(),
        d.rating,
        by_enterprise,
    )
    .await?;
    audit::updated(&tx, actor, a, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// The record's progress as stored.
pub fn progress_of(a: &appeal::Model) -> Progress {
    Progress {
        state: state(a),
        department: a.department.clone(),
        assigned_on: a.assigned_on,
        first_answer_on: a.first_answer_on,
        answered_on: a.answered_on,
        closed_on: a.closed_on,
        resolution: a.resolution.as_deref().and_then(Resolution::parse),
        reopens: u32::try_from(a.reopens).unwrap_or(0),
        rating: a.rating.and_then(|x| u8::try_from(x).ok()),
        rating_comment: a.rating_comment.clone(),
        last_event_on: a.last_event_on,
        waiting_due: a.waiting_due,
    }
}

/// Sets the columns that hold an appeal's progress.
pub(crate) fn set_progress(m: &mut appeal::ActiveModel, p: &Progress) {
    m.state = Set(p.state.id().into());
    m.department = Set(p.department.clone());
    m.assigned_on = Set(p.assigned_on);
    m.first_answer_on = Set(p.first_answer_on);
    m.answered_on = Set(p.answered_on);
    m.closed_on = Set(p.closed_on);
    m.resolution = Set(p.resolution.map(|r| r.id().into()));
    m.reopens = Set(i32::try_from(p.reopens).unwrap_or(i32::MAX));
    m.rating = Set(p.rating.map(i16::from));
    m.rating_comment = Set(p.rating_comment.clone());
    m.last_event_on = Set(p.last_event_on);
    m.waiting_due = Set(p.waiting_due);
}

/// The appeals raised from a visit.
pub async fn of_visit<C: ConnectionTrait>(db: &C, visit_id: i64) -> DbResult<Vec<appeal::Model>> {
    Ok(appeal::Entity::find()
        .filter(appeal::Column::VisitId.eq(visit_id))
        .order_by_asc(appeal::Column::Id)
        .all(db)
        .await?)
}

/// An appeal's events, oldest first.
pub async fn events<C: ConnectionTrait>(db: &C, appeal_id: i64) -> DbResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::AppealId.eq(appeal_id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// A page of the appeal list: its filters, order and page.
#[derive(Debug, Clone, Default)]
pub struct AppealQuery {
    pub state: Option<AppealState>,
    pub department: Option<String>,
    /// Category ids: a top-level one with its children.
    pub categories: Vec<String>,
    pub urgency: Option<Urgency>,
    pub enterprise_id: Option<i64>,
    /// Only open appeals past the day of the step they wait on.
    pub overdue: bool,
    /// Part of the title.
    pub q: Option<String>,
    pub sort: AppealSort,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppealSort {
    #[default]
    Newest,
    /// The earliest due day of the step waited on first (answered and closed ones last).
    Due,
}

impl AppealQuery {
    /// Whether the zone's kept appeal figures can count the rows this query selects: all
    /// but a title search and an enterprise's own (which its index counts quickly).
    pub fn countable(&self) -> bool {
        self.q.as_deref().is_none_or(|s| s.trim().is_empty()) && self.enterprise_id.is_none()
    }

    /// Whether an appeal of the kept figures is one this query selects (`countable` only).
    pub fn matches(&self, a: &AppealFacts, today: NaiveDate) -> bool {
        self.state.is_none_or(|s| a.state == s)
            && self
                .department
                .as_deref()
                .filter(|d| !d.is_empty())
                .is_none_or(|d| a.department.as_deref() == Some(d))
            && (self.categories.is_empty() || self.categories.contains(&a.category))
            && self.urgency.is_none_or(|u| a.urgency == u)
            && (!self.overdue || a.overdue(today))
    }
}

/// One page of a zone's appeals. `total`: the number of rows the query selects when the
/// caller counted them from the zone's kept figures (`AppealQuery::countable`, `matches`);
/// else a COUNT over the zone's appeals gives it.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    f: &AppealQuery,
    today: NaiveDate,
    total: Option<u64>,
) -> DbResult<super::Page<appeal::Model>> {
    let mut q = appeal::Entity::find().filter(appeal::Column::ZoneId.eq(zone_id));
    if let Some(s) = f.state {
        q = q.filter(appeal::Column::State.eq(s.id()));
    }
    if let Some(d) = f.department.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(appeal::Column::Department.eq(d));
    }
    if !f.categories.is_empty() {
        q = q.filter(appeal::Column::Category.is_in(f.categories.iter().map(String::as_str)));
    }
    if let Some(u) = f.urgency {
        q = q.filter(appeal::Column::Urgency.eq(u.id()));
    }
    if let Some(e) = f.enterprise_id {
        q = q.filter(appeal::Column::EnterpriseId.eq(e));
    }
    if f.overdue {
        q = q.filter(appeal::Column::WaitingDue.lt(today));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(super::contains_text(appeal::Column::Title, text));
    }
    use sea_orm::Order::Asc;
    use sea_orm::sea_query::NullOrdering;
    q = match f.sort {
        AppealSort::Newest => q.order_by_desc(appeal::Column::Id),
        AppealSort::Due => q
            .order_by_with_nulls(appeal::Column::WaitingDue, Asc, NullOrdering::Last)
            .order_by_asc(appeal::Column::Id),
    };
    super::paged_with(db, q, f.page, f.per_page, total).await
}

/// The columns the metrics read (the descriptions stay in the database).
#[derive(sea_orm::FromQueryResult)]
struct FactsCols {
    id: i64,
    received_on: NaiveDate,
    category: String,
    urgency: String,
    department: Option<String>,
    park_id: Option<i64>,
    state: String,
    acknowledge_due: NaiveDate,
    answer_due: NaiveDate,
    resolve_due: NaiveDate,
    assigned_on: Option<NaiveDate>,
    first_answer_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    resolution: Option<String>,
    reopens: i32,
    rating: Option<i16>,
}

/// Every appeal of the zone as the metrics read it.
pub async fn facts_of_zone<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<AppealFacts>> {
    use appeal::Column as A;
    let rows = appeal::Entity::find()
        .select_only()
        .columns([
            A::Id,
            A::ReceivedOn,
            A::Category,
            A::Urgency,
            A::Department,
            A::ParkId,
            A::State,
            A::AcknowledgeDue,
            A::AnswerDue,
            A::ResolveDue,
            A::AssignedOn,
            A::FirstAnswerOn,
            A::ClosedOn,
            A::Resolution,
            A::Reopens,
            A::Rating,
        ])
        .filter(A::ZoneId.eq(zone_id))
        .into_model::<FactsCols>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AppealFacts {
            id: r.id,
            received_on: r.received_on,
            category: r.category,
            urgency: Urgency::parse(&r.urgency).unwrap_or(Urgency::Normal),
            department: r.department,
            park_id: r.park_id,
            state: AppealState::parse(&r.state).unwrap_or(AppealState::Received),
            dues: Dues {
                acknowledge: r.acknowledge_due,
                answer: r.answer_due,
                resolve: r.resolve_due,
            },
            assigned_on: r.assigned_on,
            first_answer_on: r.first_answer_on,
            closed_on: r.closed_on,
            resolution: r.resolution.as_deref().and_then(Resolution::parse),
            reopens: u32::try_from(r.reopens).unwrap_or(0),
            rating: r.rating.and_then(|x| u8::try_from(x).ok()),
        })
        .collect())
}

/// How many of the zone's appeals are open past the day of the step they wait on.
pub async fn overdue_count<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    today: NaiveDate,
) -> DbResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(appeal::Entity::find()
        .filter(appeal::Column::ZoneId.eq(zone_id))
        .filter(appeal::Column::WaitingDue.lt(today))
        .count(db)
        .await?)
}
