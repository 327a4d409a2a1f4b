//! Loads the embedded reference tables (GB/T 4754-2017 in both editions, GB/T 2260
//! divisions, GB/T 37028 zones) so that SQL can join on them.

use super::*;
use crate::entities::{division, industry_code, listed_zone};
use devzone_core::reference::{IndustryEdition, divisions, industries, listed_zones};
use sea_orm::{ActiveValue::Set, EntityTrait};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_reference_data"
    }
}

/// Loads the embedded reference tables (GB/T 4754-2017 in both editions, GB/T 2260
/// divisions, GB/T 37028 zones) so that SQL can join on them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for edition in [IndustryEdition::Original, IndustryEdition::Amended] {
            let rows: Vec<industry_code::ActiveModel> = industries(edition)
                .entries
                .iter()
                .map(|e| industry_code::ActiveModel {
                    edition: Set(edition.id().to_string()),
                    code: Set(e.code.clone()),
                    level: Set(e.level.clone()),
                    name: Set(e.name.clone()),
                    parent_code: Set(e.parent_code.clone()),
                    section: Set(e.section.clone()),
                    division: Set(e.division.clone()),
                })
                .collect();
            for chunk in rows.chunks(500) {
                industry_code::Entity::insert_many(chunk.to_vec())
                    .exec(db)
                    .await?;
            }
        }
        let rows: Vec<division::ActiveModel> = divisions()
            .entries
            .iter()
            .map(|d| division::ActiveModel {
                code: Set(d.code.clone()),
                name: Set(d.name.clone()),
                level: Set(d.level.clone()),
                parent_code: Set(d.parent_code.clone()),
                province_code: Set(d.province_code.clone()),
            })
            .collect();
        for chunk in rows.chunks(500) {
            division::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        let rows: Vec<listed_zone::ActiveModel> = listed_zones()
            .iter()
            .map(|z| listed_zone::ActiveModel {
                code: Set(z.code.clone()),
                name: Set(z.name.clone()),
                province_code: Set(z.province_code.clone()),
                type_code: Set(z.type_code.clone()),
                type_name: Set(z.type_name.clone()),
                prefecture_code: Set(z.prefecture_code.clone()),
            })
            .collect();
        for chunk in rows.chunks(500) {
            listed_zone::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        Ok(())
    }
}
