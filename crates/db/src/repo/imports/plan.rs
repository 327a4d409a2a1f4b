//! Compares checked rows with what is stored: the changes an import would make, with every
//! problem and plausibility warning found. Read-only.

use super::*;
use crate::DbResult;
use crate::entities::{enterprise, import, park};
use crate::repo::facts::packed::{self, CurrentFigures};
use crate::repo::facts::precedence;
use crate::repo::facts::{DERIVED_FROM, Decision, Derived, Version, decide};
use devzone_core::facts::FactField;
use devzone_core::import::rows::{Attrs, FactValue};
use devzone_core::import::{Checked, Kind, Mapping, Problem, Record, Severity};
use devzone_core::model::Ownership;
use devzone_core::validate::EnterpriseDraft;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which enterprise a new fact belongs to: a stored one, or one this import creates.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ent {
    Stored(i64),
    New(usize),
}

#[derive(Debug, Clone)]
pub(super) struct NewFact {
    pub(super) ent: Ent,
    pub(super) year: i32,
    pub(super) field: FactField,
    pub(super) value: Option<i64>,
    pub(super) text: Option<String>,
    pub(super) current: bool,
}

/// The changes an import would make, with every problem found; nothing is written yet.
#[derive(Debug)]
pub struct Plan {
    pub request: Request,
    pub counts: Counts,
    /// The check's problems and the comparison's, ordered by line.
    pub problems: Vec<Problem>,
    /// An earlier committed import of the same file, if any.
    pub same_file: Option<import::Model>,
    pub(super) creates: Vec<EnterpriseDraft>,
    pub(super) updates: Vec<(enterprise::Model, enterprise::Model)>,
    pub(super) facts: Vec<NewFact>,
    /// The stored current figures of the enterprise-years the plan touches, which the
    /// commit merges its new current figures into.
    pub(super) current: HashMap<(i64, i32), CurrentFigures>,
    /// The list columns of enterprises whose latest figures change.
    pub(super) derived: Vec<(Ent, Derived)>,
}

impl Plan {
    pub fn refused(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.line == 0 && p.severity == Severity::Error)
    }
}

pub(super) const IN_CHUNK: usize = 900;

/// Above this many enterprises in a file, the stored ones are read by one pass over the zone.
const WHOLE_ZONE: usize = 5_000;

/// Compares the checked records with the database. Read-only.
pub async fn plan<C: ConnectionTrait>(
    db: &C,
    request: Request,
    checked: Checked,
) -> DbResult<Plan> {
    let zone_id = request.zone_id;
    let started = std::time::Instant::now();
    let prec = precedence(db, zone_id).await?;
    let mut problems = checked.problems;
    let mut counts = Counts {
        rows_read: checked.rows_read,
        rejected: checked.rejected,
        ..Default::default()
    };
    let same_file = import::Entity::find()
        .filter(import::Column::ZoneId.eq(zone_id))
        .filter(import::Column::FileSha256.eq(request.file_sha256.clone()))
        .filter(import::Column::Status.eq("committed"))
        .order_by_desc(import::Column::Id)
        .one(db)
        .await?;
    if let Some(f) = &same_file {
        problems.push(
            Problem::notice(0, "file.seen", f.file_name.clone()).with_detail(format!(
                "#{} {}",
                f.id,
                f.created_at.format("%Y-%m-%d %H:%M")
            )),
        );
    }
    let mut plan = Plan {
        request,
        counts,
        problems: Vec::new(),
        same_file,
        creates: Vec::new(),
        updates: Vec::new(),
        facts: Vec::new(),
        current: HashMap::new(),
        derived: Vec::new(),
    };
    if problems
        .iter()
        .any(|p| p.line == 0 && p.severity == Severity::Error)
    {
        plan.problems = problems;
        return Ok(plan);
    }
    let parks: HashMap<String, i64> = park::Entity::find()
        .filter(park::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (devzone_core::import::headers::key(&p.name), p.id))
        .collect();
    let codes: Vec<String> = checked.records.iter().map(|r| r.code.to_string()).collect();
    let stored = known(db, zone_id, &codes).await?;
    // The whole records only where a register's attributes are compared with them.
    let mut full: HashMap<i64, enterprise::Model> = HashMap::new();
    if plan.request.kind == Kind::Enterprises {
        let ids: Vec<i64> = stored.values().map(|k| k.id).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            for e in enterprise::Entity::find()
                .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                full.insert(e.id, e);
            }
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import plan: enterprises read");
    let code_col = plan
        .request
        .mapping
        .column_of(devzone_core::import::Target::Attr(
            devzone_core::import::Attr::CreditCode,
        ));
    let col_of = |a| {
        plan.request
            .mapping
            .column_of(devzone_core::import::Target::Attr(a))
    };
    let name_col = col_of(devzone_core::import::Attr::Name);
    let park_col = col_of(devzone_core::import::Attr::Park);
    // Records that pass, with the enterprise they go to.
    let mut accepted: Vec<(Record, Ent)> = Vec::new();
    let mut created_by_code: HashMap<String, usize> = HashMap::new();
    for rec in checked.records {
        let line = rec.line;
        let at = |p: Problem, col: Option<usize>| match col {
            Some(c) => {
                let h = plan.request.mapping.columns[c].header.clone();
                p.at(c, &h)
            }
            None => p,
        };
        let park_id = match &rec.attrs.park {
            Some(name) => match parks.get(&devzone_core::import::headers::key(name)) {
                Some(id) => Some(*id),
                None => {
                    problems.push(at(
                        Problem::error(line, "park.unknown", name.clone()),
                        park_col,
                    ));
                    counts.rejected += 1;
                    continue;
                }
            },
            None => None,
        };
        let ent = match stored.get(rec.code.as_str()) {
            Some(e) => {
                if let Some(whole) = full.get(&e.id) {
                    if let Some(after) = changed(whole, &rec, park_id) {
                        plan.updates.push((whole.clone(), after));
                    }
                } else if let Some(n) = &rec.name
                    && n != &e.name
                {
                    problems.push(
                        at(
                            Problem::warning(line, "enterprise.name_differs", n.clone()),
                            name_col,
                        )
                        .with_detail(e.name.clone()),
                    );
                }
                Ent::Stored(e.id)
            }
            None if plan.request.kind == Kind::Facts => {
                problems.push(at(
                    Problem::error(line, "enterprise.unknown", rec.code.to_string()),
                    code_col,
                ));
                counts.rejected += 1;
                continue;
            }
            None => {
                let missing: Vec<&str> = [
                    (rec.name.is_none(), "name"),
                    (rec.attrs.industry_code.is_none(), "industry_code"),
                ]
                .into_iter()
                .filter_map(|(m, f)| m.then_some(f))
                .collect();
                if !missing.is_empty() {
                    problems.push(at(
                        Problem::error(line, "enterprise.new_needs", rec.code.to_string())
                            .with_detail(missing.join(", ")),
                        code_col,
                    ));
                    counts.rejected += 1;
                    continue;
                }
                let i = *created_by_code
                    .entry(rec.code.to_string())
                    .or_insert_with(|| {
                        plan.creates.push(new_draft(&rec, park_id));
                        plan.creates.len() - 1
                    });
                Ent::New(i)
            }
        };
        accepted.push((rec, ent));
    }
    counts.enterprises_created = plan.creates.len();
    counts.enterprises_updated = plan.updates.len();

    // Every stored version of the figures the file touches, and of the year before (for
    // the plausibility warnings).
    let ids: Vec<i64> = accepted
        .iter()
        .filter(|(r, _)| !r.facts.is_empty())
        .filter_map(|(_, e)| match e {
            Ent::Stored(id) => Some(*id),
            Ent::New(_) => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let years: BTreeSet<i32> = accepted
        .iter()
        .filter_map(|(r, _)| r.year)
        .flat_map(|y| [y, y - 1])
        .collect();
    let years: Vec<i32> = years.into_iter().collect();
    let sets = packed::set_rows_of(db, &ids, &years).await?;
    tracing::debug!(elapsed = ?started.elapsed(), n = sets.len(), "import plan: sets read");
    let current = packed::current_of(db, &ids, Some(&years)).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import plan: current read");
    // A hash join in memory: every stored version by enterprise, year and field.
    let versions = packed::versions(
        sets.iter()
            .map(|(id, e, y, s, f)| (*id, *e, *y, s.as_str(), f.as_str())),
        &current,
    );
    drop(sets);
    tracing::debug!(elapsed = ?started.elapsed(), "import plan: stored figures read");
    let source = plan.request.source;
    for (rec, ent) in &accepted {
        let Some(year) = rec.year else { continue };
        for (field, value) in &rec.facts {
            let (value, text) = match value {
                FactValue::Number(c) => (Some(c.0), None),
                FactValue::Text(t) => (None, Some(t.clone())),
            };
            let empty = Vec::new();
            let vs = match ent {
                Ent::Stored(id) => versions.get(&(*id, year, *field)).unwrap_or(&empty),
                Ent::New(_) => &empty,
            };
            match decide(vs, &prec, *field, source.id(), value, text.as_deref()) {
                Decision::Unchanged => counts.unchanged += 1,
                Decision::New {
                    current, existed, ..
                } => {
                    if existed {
                        counts.updated += 1;
                    } else {
                        counts.inserted += 1;
                    }
                    if !current {
                        counts.not_current += 1;
                    }
                    plan.facts.push(NewFact {
                        ent: *ent,
                        year,
                        field: *field,
                        value,
                        text,
                        current,
                    });
                }
            }
        }
        if let Ent::Stored(id) = ent {
            plausibility(
                rec,
                year,
                *id,
                &versions,
                &plan.request.mapping,
                &mut problems,
            );
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import plan: figures decided");
    plan.derived = derived_after(&plan.facts, &versions, &stored);
    plan.current = current;
    problems.sort_by_key(|p| (p.line, p.column, p.severity));
    counts.warnings = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .count();
    plan.counts = counts;
    plan.problems = problems;
    Ok(plan)
}

/// The derived list columns after the plan, for every enterprise whose latest figures it
/// changes, computed from what the plan already holds (no second read).
pub(super) fn derived_after(
    facts: &[NewFact],
    versions: &HashMap<(i64, i32, FactField), Vec<Version>>,
    stored: &HashMap<String, Known>,
) -> Vec<(Ent, Derived)> {
    let by_id: HashMap<i64, &Known> = stored.values().map(|e| (e.id, e)).collect();
    // The current new values of the derived-from fields, per enterprise and year.
    type Values = Vec<(FactField, Option<i64>)>;
    let mut new: BTreeMap<(EntKey, i32), Values> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| f.current && DERIVED_FROM.contains(&f.field))
    {
        new.entry((EntKey::from(f.ent), f.year))
            .or_default()
            .push((f.field, f.value));
    }
    let mut latest: BTreeMap<EntKey, i32> = BTreeMap::new();
    for (k, y) in new.keys() {
        let e = latest.entry(*k).or_insert(*y);
        *e = (*e).max(*y);
    }
    let mut out = Vec::new();
    for (k, year) in latest {
        let mine = &new[&(k, year)];
        let (ent, before) = match k {
            EntKey::New(i) => (Ent::New(i), None),
            EntKey::Stored(id) => {
                let e = by_id[&id];
                if e.latest_year.is_some_and(|y| y > year) {
                    continue;
                }
                (Ent::Stored(id), Some(e))
            }
        };
        let d = Derived::of(Some(year), |f| match mine.iter().find(|(g, _)| *g == f) {
            Some((_, v)) => *v,
            None => match ent {
                Ent::Stored(id) => versions
                    .get(&(id, year, f))
                    .and_then(|vs| vs.iter().find(|v| v.current))
                    .and_then(|v| v.value),
                Ent::New(_) => None,
            },
        });
        let same = before.is_some_and(|e| {
            (e.latest_year, e.latest_revenue, e.above_scale)
                == (d.latest_year, d.latest_revenue, d.above_scale)
        });
        if !same {
            out.push((ent, d));
        }
    }
    out
}

/// What comparing a file with the register needs of a stored enterprise.
#[derive(Debug, Clone)]
pub(super) struct Known {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) latest_year: Option<i32>,
    pub(super) latest_revenue: Option<i64>,
    pub(super) above_scale: Option<bool>,
}

/// The stored enterprises of the zone among these codes, by code: read as tuples (decoded
/// by position, several times faster than whole records by column name), by one pass over
/// the zone when the file names many (a hundred lists of 900 codes took 4.4 s at 100,000).
async fn known<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    codes: &[String],
) -> DbResult<HashMap<String, Known>> {
    type Row = (i64, String, String, Option<i32>, Option<i64>, Option<bool>);
    let select = || {
        enterprise::Entity::find()
            .select_only()
            .columns([
                enterprise::Column::Id,
                enterprise::Column::CreditCode,
                enterprise::Column::Name,
                enterprise::Column::LatestYear,
                enterprise::Column::LatestRevenue,
                enterprise::Column::AboveScale,
            ])
            .filter(enterprise::Column::ZoneId.eq(zone_id))
    };
    let mut rows: Vec<Row> = Vec::new();
    if codes.len() > WHOLE_ZONE {
        rows = select().into_tuple().all(db).await?;
        let wanted: std::collections::HashSet<&str> = codes.iter().map(String::as_str).collect();
        rows.retain(|r| wanted.contains(r.1.as_str()));
    } else {
        for chunk in codes.chunks(IN_CHUNK) {
            rows.extend(
                select()
                    .filter(enterprise::Column::CreditCode.is_in(chunk.to_vec()))
                    .into_tuple::<Row>()
                    .all(db)
                    .await?,
            );
        }
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, code, name, latest_year, latest_revenue, above_scale)| {
                (
                    code,
                    Known {
                        id,
                        name,
                        latest_year,
                        latest_revenue,
                        above_scale,
                    },
                )
            },
        )
        .collect())
}

/// [`Ent`] as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EntKey {
    Stored(i64),
    New(usize),
}

impl From<Ent> for EntKey {
    fn from(e: Ent) -> Self {
        match e {
            Ent::Stored(id) => EntKey::Stored(id),
            Ent::New(i) => EntKey::New(i),
        }
    }
}

/// The enterprise after applying the row's attributes, when anything differs.
pub(super) fn changed(
    e: &enterprise::Model,
    rec: &Record,
    park_id: Option<i64>,
) -> Option<enterprise::Model> {
    let mut after = e.clone();
    let a = &rec.attrs;
    if let Some(n) = &rec.name
        && n != &e.name
    {
        let mut former: Vec<String> = serde_json::from_str(&e.former_names).unwrap_or_default();
        if !former.contains(&e.name) {
            former.push(e.name.clone());
        }
        after.former_names = serde_json::to_string(&former).unwrap_or_else(|_| "[]".into());
        after.name = n.clone();
    }
    if let Some(v) = &a.industry_code {
        after.industry_code = v.clone();
    }
    if park_id.is_some() {
        after.park_id = park_id;
    }
    if a.address.is_some() {
        after.address = a.address.clone();
    }
    if a.business_scope.is_some() {
        after.business_scope = a.business_scope.clone();
    }
    if a.main_products.is_some() {
        after.main_products = a.main_products.clone();
    }
    if a.division_code.is_some() {
        after.division_code = a.division_code.clone();
    }
    if let Some(o) = a.ownership {
        after.ownership = o.id().into();
    }
    if a.founded_on.is_some() {
        after.founded_on = a.founded_on;
    }
    if let Some(c) = a.registered_capital {
        after.registered_capital = Some(c.0);
    }
    (after != *e).then_some(after)
}

pub(super) fn new_draft(rec: &Record, park_id: Option<i64>) -> EnterpriseDraft {
    let a: &Attrs = &rec.attrs;
    EnterpriseDraft {
        credit_code: rec.code.clone(),
        name: rec.name.clone().unwrap_or_default(),
        former_names: Vec::new(),
        industry_code: a.industry_code.clone().unwrap_or_default(),
        park_id,
        address: a.address.clone(),
        division_code: a.division_code.clone(),
        // A register without an ownership column: "other" until someone says otherwise.
        ownership: a.ownership.unwrap_or(Ownership::Other),
        source_country: None,
        fortune500_parent: None,
        founded_on: a.founded_on,
        registered_capital: a.registered_capital,
        tags: Vec::new(),
        business_scope: a.business_scope.clone(),
        main_products: a.main_products.clone(),
    }
}

/// Warnings that do not keep a row out: a figure ten times (or a tenth of) last year's,
/// value added above revenue, land area changed by more than half.
pub(super) fn plausibility(
    rec: &Record,
    year: i32,
    id: i64,
    versions: &HashMap<(i64, i32, FactField), Vec<Version>>,
    mapping: &Mapping,
    problems: &mut Vec<Problem>,
) {
    let current = |y: i32, f: FactField| {
        versions
            .get(&(id, y, f))
            .and_then(|vs| vs.iter().find(|v| v.current))
            .and_then(|v| v.value)
    };
    let col = |f: FactField| mapping.column_of(devzone_core::import::Target::Fact(f));
    let at = |p: Problem, f: FactField| match col(f) {
        Some(c) => p.at(c, &mapping.columns[c].header),
        None => p,
    };
    let shown = |c: i64| format!("{:.2}", c as f64 / 100.0);
    let row_value = |f: FactField| {
        rec.facts.iter().find_map(|(k, v)| match v {
            FactValue::Number(c) if *k == f => Some(c.0),
            _ => None,
        })
    };
    for (field, v) in &rec.facts {
        let FactValue::Number(now) = v else { continue };
        let Some(before) = current(year - 1, *field) else {
            continue;
        };
        if *field == FactField::LandArea {
            if before > 0 && (now.0 - before).abs() * 2 > before {
                problems.push(at(
                    Problem::warning(rec.line, "fact.land_changed", shown(now.0))
                        .with_detail(shown(before)),
                    *field,
                ));
            }
        } else if field.unit() != devzone_core::model::Unit::Flag
            && before > 0
            && now.0 > 0
            && (now.0 >= before.saturating_mul(10) || now.0.saturating_mul(10) <= before)
        {
            problems.push(at(
                Problem::warning(rec.line, "fact.jump", shown(now.0)).with_detail(shown(before)),
                *field,
            ));
        }
    }
    let va = row_value(FactField::ValueAdded);
    let rev = row_value(FactField::Revenue);
    if va.is_some() || rev.is_some() {
        let va = va.or_else(|| current(year, FactField::ValueAdded));
        let rev = rev.or_else(|| current(year, FactField::Revenue));
        if let (Some(va), Some(rev)) = (va, rev)
            && va > rev
        {
            problems.push(at(
                Problem::warning(rec.line, "fact.value_added_above_revenue", shown(va))
                    .with_detail(shown(rev)),
                FactField::ValueAdded,
            ));
        }
    }
}
