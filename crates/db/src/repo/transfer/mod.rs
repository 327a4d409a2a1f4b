//! A whole zone as a ZIP of CSV files with a JSON manifest, and back.
//!
//! The files name records by their keys (credit code, park name), never by database ids,
//! so an export read into an empty installation and exported again gives the same files
//! byte for byte. Every version of every fact travels with its provenance (source, as-of
//! date, who entered it and when, whether it is current). The zone's land travels too
//! (`land`), and so do its chain mappings, targets and track records
//! (`chains`) and its investment projects (`projects`). Evaluation runs and import
//! history are not carried: they are results and logs of this installation, and runs can
//! be repeated from the facts.

mod appeals;
mod chains;
mod land;
mod projects;

use crate::entities::{enterprise, fact_precedence, park, qualification, zone};
use crate::repo::facts::packed::{FactVersion, pack_legacy};
use crate::repo::facts::{insert_packed, reserve_ids};
use crate::{Actor, DbError, DbResult};
use devzone_core::import::cells::{formula_safe, formula_unsafe};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub schema_version: u32,
    pub zone: String,
    pub exported_at: String,
    pub exported_by: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ZoneRow {
    name: String,
    kind: String,
    gbt37028_code: Option<String>,
    province_code: String,
    city_code: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ParkRow {
    name: String,
    theme: Option<String>,
    boundary: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EnterpriseRow {
    credit_code: String,
    name: String,
    former_names: String,
    industry_code: String,
    park: Option<String>,
    address: Option<String>,
    division_code: Option<String>,
    ownership: String,
    source_country: Option<String>,
    fortune500_parent: Option<String>,
    founded_on: Option<chrono::NaiveDate>,
    registered_capital_centi: Option<i64>,
    tags: String,
    above_scale: Option<bool>,
    latest_revenue_centi: Option<i64>,
    latest_year: Option<i32>,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    business_scope: Option<String>,
    #[serde(default)]
    main_products: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct QualificationRow {
    credit_code: String,
    kind: String,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
    certificate_no: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FactRowCsv {
    credit_code: String,
    year: i32,
    field: String,
    value_centi: Option<i64>,
    text_value: Option<String>,
    source: String,
    as_of: chrono::NaiveDate,
    entered_by: String,
    entered_at: chrono::DateTime<chrono::Utc>,
    current: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct PrecedenceRow {
    field: String,
    sources: String,
}

/// Rows as CSV, every cell that starts like a formula made safe to open in a spreadsheet
/// program (`read_csv` takes the mark off again).
pub(super) fn csv_bytes<T: Serialize>(rows: &[T]) -> DbResult<Vec<u8>> {
    let err = |e: csv::Error| DbError::Other(format!("csv: {e}"));
    let inner = |e: csv::IntoInnerError<csv::Writer<Vec<u8>>>| DbError::Other(format!("csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(err)?;
    }
    let plain = w.into_inner().map_err(inner)?;
    let mut safe = csv::Writer::from_writer(Vec::with_capacity(plain.len()));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&plain[..]);
    for rec in rdr.records() {
        let rec = rec.map_err(err)?;
        safe.write_record(rec.iter().map(|f| formula_safe(f).into_owned()))
            .map_err(err)?;
    }
    safe.into_inner()
        .map_err(|e| DbError::Other(format!("csv: {e}")))
}

fn sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Writes zone `zone_id` as a ZIP. Returns the manifest written into it.
pub async fn export<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    by: &str,
    out: &mut (impl Write + std::io::Seek),
) -> DbResult<Manifest> {
    let z = zone::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let parks = park::Entity::find()
        .filter(park::Column::ZoneId.eq(zone_id))
        .order_by_asc(park::Column::Name)
        .all(db)
        .await?;
    let park_name: HashMap<i64, String> = parks.iter().map(|p| (p.id, p.name.clone())).collect();
    let es = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::CreditCode)
        .all(db)
        .await?;
    let code_of: HashMap<i64, String> = es.iter().map(|e| (e.id, e.credit_code.clone())).collect();
    let ids: Vec<i64> = es.iter().map(|e| e.id).collect();
    let mut quals = Vec::new();
    let mut facts = Vec::new();
    for chunk in ids.chunks(900) {
        for q in qualification::Entity::find()
            .filter(qualification::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            quals.push(QualificationRow {
                credit_code: code_of[&q.enterprise_id].clone(),
                kind: q.kind,
                valid_from: q.valid_from,
                valid_to: q.valid_to,
                certificate_no: q.certificate_no,
            });
        }
        let sets = crate::repo::facts::packed::sets_of(db, chunk, None).await?;
        let current = crate::repo::facts::packed::current_of(db, chunk, None).await?;
        for v in crate::repo::facts::packed::flatten(&sets, &current) {
            facts.push(FactRowCsv {
                credit_code: code_of[&v.enterprise_id].clone(),
                year: v.year,
                field: v.field,
                value_centi: v.value,
                text_value: v.text_value,
                source: v.source,
                as_of: v.as_of,
                entered_by: v.entered_by,
                entered_at: v.entered_at,
                current: v.current,
            });
        }
    }
    quals.sort_by(|a, b| {
        (&a.credit_code, &a.kind, a.valid_from).cmp(&(&b.credit_code, &b.kind, b.valid_from))
    });
    // Versions keep their order of entry within each figure (a stable sort on a list read
    // in id order), which is what decides the newest one of a source.
    facts.sort_by(|a, b| {
        (&a.credit_code, a.year, &a.field).cmp(&(&b.credit_code, b.year, &b.field))
    });
    let precedence: Vec<PrecedenceRow> = fact_precedence::Entity::find()
        .filter(fact_precedence::Column::ZoneId.eq(zone_id))
        .order_by_asc(fact_precedence::Column::Field)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PrecedenceRow {
            field: p.field,
            sources: p.sources,
        })
        .collect();
    let land = land::export(db, zone_id, &park_name, &code_of).await?;
    let mut files: Vec<(&str, u64, Vec<u8>)> = vec![
        (
            "zone.csv",
            1,
            csv_bytes(&[ZoneRow {
                name: z.name.clone(),
                kind: z.kind.clone(),
                gbt37028_code: z.gbt37028_code.clone(),
                province_code: z.province_code.clone(),
                city_code: z.city_code.clone(),
                created_at: z.created_at,
            }])?,
        ),
        (
            "parks.csv",
            parks.len() as u64,
            csv_bytes(
                &parks
                    .iter()
                    .map(|p| ParkRow {
                        name: p.name.clone(),
                        theme: p.theme.clone(),
                        boundary: p.boundary.clone(),
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        (
            "enterprises.csv",
            es.len() as u64,
            csv_bytes(
                &es.iter()
                    .map(|e| EnterpriseRow {
                        credit_code: e.credit_code.clone(),
                        name: e.name.clone(),
                        former_names: e.former_names.clone(),
                        industry_code: e.industry_code.clone(),
                        park: e.park_id.and_then(|p| park_name.get(&p).cloned()),
                        address: e.address.clone(),
                        division_code: e.division_code.clone(),
                        ownership: e.ownership.clone(),
                        source_country: e.source_country.clone(),
                        fortune500_parent: e.fortune500_parent.clone(),
                        founded_on: e.founded_on,
                        registered_capital_centi: e.registered_capital,
                        tags: e.tags.clone(),
                        above_scale: e.above_scale,
                        latest_revenue_centi: e.latest_revenue,
                        latest_year: e.latest_year,
                        created_at: e.created_at,
                        updated_at: e.updated_at,
                        business_scope: e.business_scope.clone(),
                        main_products: e.main_products.clone(),
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        ("qualifications.csv", quals.len() as u64, csv_bytes(&quals)?),
        ("facts.csv", facts.len() as u64, csv_bytes(&facts)?),
        (
            "precedence.csv",
            precedence.len() as u64,
            csv_bytes(&precedence)?,
        ),
    ];
    files.extend(land);
    files.extend(chains::export(db, zone_id, &code_of).await?);
    files.extend(projects::export(db, zone_id, &code_of).await?);
    files.extend(appeals::export(db, zone_id, &park_name, &code_of).await?);
    let manifest = Manifest {
        format: "devzone-zone-export".into(),
        schema_version: SCHEMA_VERSION,
        zone: z.name.clone(),
        exported_at: chrono::Utc::now().to_rfc3339(),
        exported_by: by.to_string(),
        files: files
            .iter()
            .map(|(n, rows, b)| FileEntry {
                name: n.to_string(),
                rows: *rows,
                sha256: sha256(b),
            })
            .collect(),
    };
    let mut zip = zip::ZipWriter::new(out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let zerr = |e: zip::result::ZipError| DbError::Other(format!("zip: {e}"));
    zip.start_file("manifest.json", opts).map_err(zerr)?;
    zip.write_all(
        serde_json::to_string_pretty(&manifest)
            .unwrap_or_default()
            .as_bytes(),
    )
    .map_err(|e| DbError::Other(format!("zip: {e}")))?;
    for (n, _, b) in &files {
        zip.start_file(*n, opts).map_err(zerr)?;
        zip.write_all(b)
            .map_err(|e| DbError::Other(format!("zip: {e}")))?;
    }
    zip.finish().map_err(zerr)?;
    Ok(manifest)
}

/// What reading an export created.
#[derive(Debug, Default, serde::Serialize)]
pub struct Loaded {
    pub zone_id: i64,
    pub parks: usize,
    pub enterprises: usize,
    pub qualifications: usize,
    pub facts: usize,
    pub plots: usize,
}

pub(super) fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, bytes: &[u8]) -> DbResult<Vec<T>> {
    let mut r = csv::Reader::from_reader(bytes);
    let at = |i: usize, e: csv::Error| DbError::Other(format!("{name} line {}: {e}", i + 2));
    let headers = r.headers().map_err(|e| at(0, e))?.clone();
    r.records()
        .enumerate()
        .map(|(i, rec)| {
            let rec: csv::StringRecord = rec
                .map_err(|e| at(i, e))?
                .iter()
                .map(formula_unsafe)
                .collect();
            rec.deserialize(Some(&headers)).map_err(|e| at(i, e))
        })
        .collect()
}

/// The archive's enterprises, qualifications and facts checked by the rules every other
/// entry point applies (credit code, industry class, ownership, division, figures within
/// their bounds…); every problem named by file, line, field, value and rule.
fn check_rows(
    es: &[EnterpriseRow],
    quals: &[QualificationRow],
    facts: &[FactRowCsv],
) -> DbResult<()> {
    use devzone_core::facts::{Centi, FactField};
    use devzone_core::model::{FactSource, QualificationKind};
    const SHOWN: usize = 20;
    let mut problems: Vec<String> = Vec::new();
    let mut note = |file: &str, i: usize, field: &str, value: &str, rule: &str| {
        problems.push(format!("{file} line {}: {field} {value:?}: {rule}", i + 2));
    };
    for (i, e) in es.iter().enumerate() {
        let input = devzone_core::validate::EnterpriseInput {
            credit_code: e.credit_code.clone(),
            name: e.name.clone(),
            former_names: serde_json::from_str(&e.former_names).unwrap_or_default(),
            industry_code: e.industry_code.clone(),
            park_id: None,
            address: e.address.clone(),
            division_code: e.division_code.clone(),
            ownership: e.ownership.clone(),
            source_country: e.source_country.clone(),
            fortune500_parent: e.fortune500_parent.clone(),
            founded_on: e.founded_on.map(|d| d.to_string()),
            registered_capital: e.registered_capital_centi.map(|c| Centi(c).to_decimal()),
            tags: serde_json::from_str(&e.tags).unwrap_or_default(),
            business_scope: None,
            main_products: None,
        };
        if let Err(errs) = input.validate() {
            for f in errs {
                note("enterprises.csv", i, &f.field, &f.value, &f.rule);
            }
        }
    }
    for (i, q) in quals.iter().enumerate() {
        if QualificationKind::parse(&q.kind).is_none() {
            note("qualifications.csv", i, "kind", &q.kind, "choice.unknown");
        }
    }
    for (i, f) in facts.iter().enumerate() {
        match FactField::parse(&f.field) {
            None => note("facts.csv", i, "field", &f.field, "choice.unknown"),
            Some(field) => {
                if let Some(v) = f.value_centi
                    && Centi::from_decimal(Centi(v).to_decimal()).is_none()
                {
                    note(
                        "facts.csv",
                        i,
                        field.id(),
                        &v.to_string(),
                        "number.too_large",
                    );
                }
                if f.value_centi.is_some_and(|v| v < 0) && !field.allows_negative() {
                    note(
                        "facts.csv",
                        i,
                        field.id(),
                        &f.value_centi.unwrap_or(0).to_string(),
                        "number.negative",
                    );
                }
            }
        }
        if FactSource::parse(&f.source).is_none() {
            note("facts.csv", i, "source", &f.source, "choice.unknown");
        }
        if !(devzone_core::validate::MIN_YEAR..=devzone_core::validate::MAX_YEAR).contains(&f.year)
        {
            note("facts.csv", i, "year", &f.year.to_string(), "year.range");
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let n = problems.len();
    problems.truncate(SHOWN);
    Err(DbError::Other(format!(
        "the archive has {n} rows that break the rules; nothing was imported:\n{}{}",
        problems.join("\n"),
        if n > SHOWN {
            format!("\n… and {} more", n - SHOWN)
        } else {
            String::new()
        }
    )))
}

/// The manifest of a zone archive, inflated, at most (it lists a few dozen files).
const MAX_MANIFEST_BYTES: u64 = 1 << 20;
/// One file of a zone archive, inflated, at most: a zone of 100,000 enterprises with
/// three years of facts writes about 400 MB of facts.
const MAX_ENTRY_BYTES: u64 = 1 << 30;
/// All files of a zone archive together, inflated, at most.
const MAX_ARCHIVE_BYTES: u64 = 2 << 30;

/// Reads a zone export into this installation, in one transaction. Refused when the
/// manifest or a checksum does not match, or when a zone of the same name exists.
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    input: impl Read + std::io::Seek,
) -> DbResult<Loaded> {
    let bad = |m: String| DbError::Other(m);
    let mut zip =
        zip::ZipArchive::new(input).map_err(|e| bad(format!("not a readable ZIP file: {e}")))?;
    // Inflated bytes are counted as they are read (the sizes an archive declares can
    // lie), so that a small archive cannot inflate into gigabytes.
    let mut inflated = 0u64;
    let mut read = |name: &str| -> DbResult<Vec<u8>> {
        let f = zip
            .by_name(name)
            .map_err(|_| bad(format!("{name} is missing from the export")))?;
        let cap = if name == "manifest.json" {
            MAX_MANIFEST_BYTES
        } else {
            MAX_ENTRY_BYTES.min(MAX_ARCHIVE_BYTES - inflated)
        };
        let mut b = Vec::new();
        f.take(cap + 1)
            .read_to_end(&mut b)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        if b.len() as u64 > cap {
            return Err(bad(format!(
                "{name} inflates beyond {} MB (one file at most {} MB, the archive at most {} MB); nothing was imported",
                cap >> 20,
                MAX_ENTRY_BYTES >> 20,
                MAX_ARCHIVE_BYTES >> 20
            )));
        }
        inflated += b.len() as u64;
        Ok(b)
    };
    let manifest: Manifest = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| bad(format!("manifest.json: {e}")))?;
    if manifest.format != "devzone-zone-export" || manifest.schema_version != SCHEMA_VERSION {
        return Err(bad(format!(
            "not a devzone zone export of schema version {SCHEMA_VERSION} (format {}, version {})",
            manifest.format, manifest.schema_version
        )));
    }
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for f in &manifest.files {
        let b = read(&f.name)?;
        if sha256(&b) != f.sha256 {
            return Err(bad(format!(
                "{}: checksum does not match the manifest; the file was changed or damaged",
                f.name
            )));
        }
        files.insert(f.name.clone(), b);
    }
    let get = |n: &str| files.get(n).map(Vec::as_slice).unwrap_or(&[]);
    let zones: Vec<ZoneRow> = read_csv("zone.csv", get("zone.csv"))?;
    let z = zones
        .into_iter()
        .next()
        .ok_or_else(|| bad("zone.csv has no row".into()))?;
    let parks: Vec<ParkRow> = read_csv("parks.csv", get("parks.csv"))?;
    let es: Vec<EnterpriseRow> = read_csv("enterprises.csv", get("enterprises.csv"))?;
    let quals: Vec<QualificationRow> = read_csv("qualifications.csv", get("qualifications.csv"))?;
    let facts: Vec<FactRowCsv> = read_csv("facts.csv", get("facts.csv"))?;
    let precedence: Vec<PrecedenceRow> = read_csv("precedence.csv", get("precedence.csv"))?;
    check_rows(&es, &quals, &facts)?;
    let mut land_rows = land::row_counts(&files)?;
    land_rows.extend(chains::row_counts(&files)?);
    land_rows.extend(projects::row_counts(&files)?);
    land_rows.extend(appeals::row_counts(&files)?);
    for f in &manifest.files {
        let rows = match f.name.as_str() {
            "zone.csv" => 1,
            "parks.csv" => parks.len(),
            "enterprises.csv" => es.len(),
            "qualifications.csv" => quals.len(),
            "facts.csv" => facts.len(),
            "precedence.csv" => precedence.len(),
            other => match land_rows.get(other) {
                Some(n) => *n,
                None => continue,
            },
        } as u64;
        if rows != f.rows {
            return Err(bad(format!(
                "{}: {rows} rows, the manifest says {}",
                f.name, f.rows
            )));
        }
    }

    let tx = db.begin().await?;
    if zone::Entity::find()
        .filter(zone::Column::Name.eq(z.name.clone()))
        .one(&tx)
        .await?
        .is_some()
    {
        return Err(DbError::Conflict {
            field: "zone".into(),
            value: z.name,
        });
    }
    let zm = zone::ActiveModel {
        name: Set(z.name.clone()),
        kind: Set(z.kind),
        gbt37028_code: Set(z.gbt37028_code),
        province_code: Set(z.province_code),
        city_code: Set(z.city_code),
        created_at: Set(z.created_at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let mut park_id = HashMap::new();
    for p in &parks {
        let m = park::ActiveModel {
            zone_id: Set(zm.id),
            name: Set(p.name.clone()),
            theme: Set(p.theme.clone()),
            boundary: Set(p.boundary.clone()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        park_id.insert(p.name.clone(), m.id);
    }
    for chunk in es.chunks(500) {
        let rows: Vec<enterprise::ActiveModel> = chunk
            .iter()
            .map(|e| enterprise::ActiveModel {
                zone_id: Set(zm.id),
                park_id: Set(e.park.as_ref().and_then(|p| park_id.get(p).copied())),
                credit_code: Set(e.credit_code.clone()),
                name: Set(e.name.clone()),
                former_names: Set(e.former_names.clone()),
                industry_code: Set(e.industry_code.clone()),
                address: Set(e.address.clone()),
                division_code: Set(e.division_code.clone()),
                ownership: Set(e.ownership.clone()),
                source_country: Set(e.source_country.clone()),
                fortune500_parent: Set(e.fortune500_parent.clone()),
                founded_on: Set(e.founded_on),
                registered_capital: Set(e.registered_capital_centi),
                tags: Set(e.tags.clone()),
                above_scale: Set(e.above_scale),
                latest_revenue: Set(e.latest_revenue_centi),
                latest_year: Set(e.latest_year),
                created_at: Set(e.created_at),
                updated_at: Set(e.updated_at),
                business_scope: Set(e.business_scope.clone()),
                main_products: Set(e.main_products.clone()),
                ..Default::default()
            })
            .collect();
        enterprise::Entity::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
    }
    let id_of: HashMap<String, i64> = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zm.id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|e| (e.credit_code, e.id))
        .collect();
    let ent = |code: &str, file: &str| {
        id_of.get(code).copied().ok_or_else(|| {
            bad(format!(
                "{file}: credit code {code} is not in enterprises.csv"
            ))
        })
    };
    for chunk in quals.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|q| {
                Ok(qualification::ActiveModel {
                    enterprise_id: Set(ent(&q.credit_code, "qualifications.csv")?),
                    kind: Set(q.kind.clone()),
                    valid_from: Set(q.valid_from),
                    valid_to: Set(q.valid_to),
                    certificate_no: Set(q.certificate_no.clone()),
                    ..Default::default()
                })
            })
            .collect::<DbResult<Vec<_>>>()?;
        if !rows.is_empty() {
            qualification::Entity::insert_many(rows)
                .exec_without_returning(&tx)
                .await?;
        }
    }
    // The archive lists versions by figure; entry order is their time of entry.
    let mut values = facts
        .iter()
        .map(|f| {
            Ok(FactVersion {
                id: 0,
                enterprise_id: ent(&f.credit_code, "facts.csv")?,
                year: f.year,
                field: f.field.clone(),
                value: f.value_centi,
                text_value: f.text_value.clone(),
                source: f.source.clone(),
                as_of: f.as_of,
                entered_by: f.entered_by.clone(),
                entered_at: f.entered_at,
                current: f.current,
                import_id: None,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    values.sort_by_key(|v| (v.enterprise_id, v.year, v.entered_at));
    let mut count = 0;
    let n = pack_legacy(values.iter().cloned(), &mut || {
        count += 1;
        count
    })
    .0
    .len();
    let mut ids = reserve_ids(&tx, n).await?.into_iter();
    let (sets, current) = pack_legacy(values, &mut || ids.next().unwrap_or_default());
    insert_packed(&tx, &sets, &current).await?;
    let plots = land::import(&tx, zm.id, &files, &park_id, &id_of).await?;
    chains::import(&tx, zm.id, &files, &id_of).await?;
    projects::import(&tx, zm.id, &files, &id_of).await?;
    appeals::import(&tx, zm.id, &files, &park_id, &id_of).await?;
    for p in &precedence {
        fact_precedence::Entity::insert(fact_precedence::ActiveModel {
            zone_id: Set(zm.id),
            field: Set(p.field.clone()),
            sources: Set(p.sources.clone()),
        })
        .exec(&tx)
        .await?;
    }
    crate::repo::audit::record(
        &tx,
        actor,
        crate::repo::audit::Change::new("import", "zone")
            .id(zm.id)
            .zone(zm.id)
            .after(Some(
                serde_json::json!({"from": manifest.exported_at, "zone": z.name}).to_string(),
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(Loaded {
        zone_id: zm.id,
        parks: parks.len(),
        enterprises: es.len(),
        qualifications: quals.len(),
        facts: facts.len(),
        plots,
    })
}
