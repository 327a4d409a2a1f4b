//! Reference tables embedded in the binary (sources and licences beside the CSV files in
//! `crates/core/data/*/SOURCE.md`). They are parsed once, on first use.
//!
//! The database migrations copy them into tables so that SQL can join on them; the
//! validation code reads them here so that it needs no database.

use std::collections::HashMap;
use std::sync::OnceLock;

const GBT4754_2017: &str = include_str!("../data/gbt4754-2017/gbt4754_2017_codes.csv");
const GBT4754_2017_XG1: &str = include_str!("../data/gbt4754-2017/gbt4754_2017_xg1_codes.csv");
const DIVISIONS: &str =
    include_str!("../data/admin-divisions-gbt2260/admin_divisions_mca_2024.csv");
const ZONES: &str = include_str!("../data/development-zones-gbt37028/gbt37028_2018_zones_all.csv");

/// Editions of GB/T 4754-2017 that devzone knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndustryEdition {
    /// As issued in 2017 (1,381 classes).
    Original,
    /// As revised by Amendment No. 1 (2019; 1,382 classes). The edition used for validation.
    Amended,
}

impl IndustryEdition {
    pub fn id(self) -> &'static str {
        match self {
            Self::Original => "2017",
            Self::Amended => "2017-xg1",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IndustryEntry {
    pub code: String,
    /// 门类 / 大类 / 中类 / 小类
    pub level: String,
    pub name: String,
    pub parent_code: String,
    pub section: String,
    pub division: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Division {
    pub code: String,
    pub name: String,
    /// province / prefecture / county
    pub level: String,
    pub parent_code: String,
    pub province_code: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedZone {
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub type_code: String,
    pub type_name: String,
    pub prefecture_code: String,
}

pub struct IndustryTable {
    pub entries: Vec<IndustryEntry>,
    by_code: HashMap<String, usize>,
}

impl IndustryTable {
    pub fn get(&self, code: &str) -> Option<&IndustryEntry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }
    /// True when `code` is a 4-digit class (小类) of this edition.
    pub fn is_class(&self, code: &str) -> bool {
        self.get(code).is_some_and(|e| e.level == "小类")
    }
    pub fn sections(&self) -> impl Iterator<Item = &IndustryEntry> {
        self.entries.iter().filter(|e| e.level == "门类")
    }
    pub fn divisions(&self) -> impl Iterator<Item = &IndustryEntry> {
        self.entries.iter().filter(|e| e.level == "大类")
    }
}

fn records(text: &'static str) -> impl Iterator<Item = csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .map(|r| r.expect("embedded reference CSV is well-formed"))
}

fn parse_industry(text: &'static str) -> IndustryTable {
    let entries: Vec<IndustryEntry> = records(text)
        .map(|r| IndustryEntry {
            code: r[0].to_string(),
            level: r[1].to_string(),
            name: r[2].trim().to_string(),
            parent_code: r[3].to_string(),
            section: r[4].to_string(),
            division: r[5].to_string(),
        })
        .collect();
    let by_code = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.clone(), i))
        .collect();
    IndustryTable { entries, by_code }
}

pub fn industries(edition: IndustryEdition) -> &'static IndustryTable {
    static ORIGINAL: OnceLock<IndustryTable> = OnceLock::new();
    static AMENDED: OnceLock<IndustryTable> = OnceLock::new();
    match edition {
        IndustryEdition::Original => ORIGINAL.get_or_init(|| parse_industry(GBT4754_2017)),
        IndustryEdition::Amended => AMENDED.get_or_init(|| parse_industry(GBT4754_2017_XG1)),
    }
}

pub struct DivisionTable {
    pub entries: Vec<Division>,
    by_code: HashMap<String, usize>,
}

impl DivisionTable {
    pub fn get(&self, code: &str) -> Option<&Division> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }
}

pub fn divisions() -> &'static DivisionTable {
    static T: OnceLock<DivisionTable> = OnceLock::new();
    T.get_or_init(|| {
        let entries: Vec<Division> = records(DIVISIONS)
            .map(|r| Division {
                code: r[0].to_string(),
                name: r[1].to_string(),
                level: r[2].to_string(),
                parent_code: r[3].to_string(),
                province_code: if r[4].is_empty() {
                    r[0].to_string()
                } else {
                    r[4].to_string()
                },
            })
            .collect();
        let by_code = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        DivisionTable { entries, by_code }
    })
}

pub fn listed_zones() -> &'static [ListedZone] {
    static T: OnceLock<Vec<ListedZone>> = OnceLock::new();
    T.get_or_init(|| {
        records(ZONES)
            .map(|r| ListedZone {
                code: r[0].to_string(),
                province_code: r[1].to_string(),
                type_code: r[3].to_string(),
                type_name: r[4].to_string(),
                name: r[7].to_string(),
                prefecture_code: r[8].to_string(),
            })
            .collect()
    })
}

pub fn listed_zone(code: &str) -> Option<&'static ListedZone> {
    listed_zones().iter().find(|z| z.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_sources() {
        let orig = industries(IndustryEdition::Original);
        let xg1 = industries(IndustryEdition::Amended);
        assert_eq!(
            orig.entries.iter().filter(|e| e.level == "小类").count(),
            1381
        );
        assert_eq!(
            xg1.entries.iter().filter(|e| e.level == "小类").count(),
            1382
        );
        assert_eq!(xg1.sections().count(), 20);
        assert_eq!(xg1.divisions().count(), 97);
        assert!(xg1.is_class("9233") && !orig.is_class("9233"));
        assert!(!xg1.is_class("39"), "a division is not a class");
        assert_eq!(divisions().entries.len(), 3213);
        assert_eq!(divisions().get("110115").unwrap().name, "大兴区");
        assert_eq!(listed_zones().len(), 2606);
        assert_eq!(listed_zone("11101001").unwrap().name, "北京经济技术开发区");
    }
}
