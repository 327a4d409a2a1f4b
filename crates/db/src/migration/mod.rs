//! Schema migrations: one set for SQLite and PostgreSQL, applied at every start, one file per
//! migration.
//!
//! Migrations describe tables with sea-query, not by deriving them from the entities, so an
//! old migration keeps meaning what it meant when it first ran.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m0001_initial;
mod m0002_reference_data;
mod m0003_list_indexes;
mod m0004_evaluation;
mod m0005_imports;
mod m0006_land;
mod m0007_chains;
mod m0008_token_expiry;
mod m0009_mapping_order;
mod m0010_data_versions;
mod m0011_jobs;
mod m0012_fact_values_covering;
mod m0013_fact_sets;
mod m0014_projects;
mod m0015_appeals;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_reference_data::Migration),
            Box::new(m0003_list_indexes::Migration),
            Box::new(m0004_evaluation::Migration),
            Box::new(m0005_imports::Migration),
            Box::new(m0006_land::Migration),
            Box::new(m0007_chains::Migration),
            Box::new(m0008_token_expiry::Migration),
            Box::new(m0009_mapping_order::Migration),
            Box::new(m0010_data_versions::Migration),
            Box::new(m0011_jobs::Migration),
            Box::new(m0012_fact_values_covering::Migration),
            Box::new(m0013_fact_sets::Migration),
            Box::new(m0014_projects::Migration),
            Box::new(m0015_appeals::Migration),
        ]
    }
}

fn fk(
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .take()
}

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}
