//! The source of a sheet named in its file name or title ("税务局-纳税情况-2025.xlsx",
//! "2025年规上工业企业主要指标（统计局）"): proposed on the import page when no saved
//! mapping knows the layout, for the officer to confirm.

use crate::model::FactSource;

/// Words that name a source, most specific first.
const NAMES: &[(&str, FactSource)] = &[
    ("税务", FactSource::TaxBureau),
    ("纳税", FactSource::TaxBureau),
    ("统计局", FactSource::StatisticsBureau),
    ("统计", FactSource::StatisticsBureau),
    ("规上工业", FactSource::StatisticsBureau),
    ("供电", FactSource::PowerCompany),
    ("电力公司", FactSource::PowerCompany),
    ("电网", FactSource::PowerCompany),
    ("用电", FactSource::PowerCompany),
    ("生态环境", FactSource::EnvironmentBureau),
    ("环保", FactSource::EnvironmentBureau),
    ("排污", FactSource::EnvironmentBureau),
    ("自报", FactSource::SelfReported),
    ("自行申报", FactSource::SelfReported),
    ("企业填报", FactSource::SelfReported),
    // The zone's own register of its enterprises.
    ("名录", FactSource::Officer),
];

/// The one source the texts name; None when they name none or more than one.
pub fn named_source<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<FactSource> {
    let mut found: Option<FactSource> = None;
    for text in texts {
        for (word, source) in NAMES {
            if text.contains(word) {
                match found {
                    Some(f) if f != *source => return None,
                    _ => found = Some(*source),
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_named_after_its_office_names_the_source() {
        assert_eq!(
            named_source(["税务局-纳税情况-2025.xlsx"]),
            Some(FactSource::TaxBureau)
        );
        assert_eq!(
            named_source(["统计局-规上工业-2025.xlsx"]),
            Some(FactSource::StatisticsBureau)
        );
        assert_eq!(
            named_source(["供电公司-用电量-2025.csv"]),
            Some(FactSource::PowerCompany)
        );
        assert_eq!(
            named_source(["企业自报-2025.xlsx"]),
            Some(FactSource::SelfReported)
        );
        assert_eq!(
            named_source(["企业名录-某开发区.xlsx"]),
            Some(FactSource::Officer)
        );
        assert_eq!(named_source(["data.xlsx", "Sheet1"]), None);
        // Two offices named: the officer chooses.
        assert_eq!(named_source(["税务与统计数据汇总.xlsx"]), None);
    }
}
