//! Whether an enterprise is small or medium-sized (中小微型企业) by the size table of
//! 《中小企业划型标准规定》(工信部联企业〔2011〕300号): per industry, the upper bounds of a
//! medium-sized enterprise. "X以下" is read as strictly below X, as the tier spec reads the
//! industrial line (employees < 1,000 or revenue < 400 million yuan); the regulation itself
//! writes "及以上" where it means the bound included.

use super::amount::Amount;

/// One line of the table: an enterprise under any of its bounds is an SME.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLine {
    pub name: &'static str,
    pub employees_below: Option<i64>,
    /// Operating revenue, yuan.
    pub revenue_below: Option<i64>,
    /// Total assets, yuan.
    pub assets_below: Option<i64>,
}

const fn line(
    name: &'static str,
    employees_below: Option<i64>,
    revenue_below_wan: Option<i64>,
    assets_below_wan: Option<i64>,
) -> SizeLine {
    const WAN: i64 = 10_000;
    SizeLine {
        name,
        employees_below,
        revenue_below: match revenue_below_wan {
            Some(v) => Some(v * WAN),
            None => None,
        },
        assets_below: match assets_below_wan {
            Some(v) => Some(v * WAN),
            None => None,
        },
    }
}

pub const AGRICULTURE: SizeLine = line("农、林、牧、渔业", None, Some(20_000), None);
pub const INDUSTRY: SizeLine = line("工业", Some(1_000), Some(40_000), None);
pub const CONSTRUCTION: SizeLine = line("建筑业", None, Some(80_000), Some(80_000));
pub const WHOLESALE: SizeLine = line("批发业", Some(200), Some(40_000), None);
pub const RETAIL: SizeLine = line("零售业", Some(300), Some(20_000), None);
pub const TRANSPORT: SizeLine = line("交通运输业", Some(1_000), Some(30_000), None);
pub const STORAGE: SizeLine = line("仓储业", Some(200), Some(30_000), None);
pub const POSTAL: SizeLine = line("邮政业", Some(1_000), Some(30_000), None);
pub const HOSPITALITY: SizeLine = line("住宿业、餐饮业", Some(300), Some(10_000), None);
pub const TELECOM: SizeLine = line("信息传输业", Some(2_000), Some(100_000), None);
pub const SOFTWARE: SizeLine = line("软件和信息技术服务业", Some(300), Some(10_000), None);
pub const REAL_ESTATE_DEVELOPMENT: SizeLine =
    line("房地产开发经营", None, Some(200_000), Some(10_000));
pub const PROPERTY_MANAGEMENT: SizeLine = line("物业管理", Some(1_000), Some(5_000), None);
pub const LEASING_BUSINESS: SizeLine = line("租赁和商务服务业", Some(300), None, Some(120_000));
pub const OTHER: SizeLine = line("其他未列明行业", Some(300), None, None);

/// The lines that may apply to an enterprise of GB/T 4754 section `section` (an upper-case
/// letter) and, when known, division or class `code` (its leading digits). A section whose
/// industries the table splits (F, G, I, K) gives several lines when the code does not say
/// which; an unknown section gives the table's last line, "其他未列明行业".
pub fn lines(section: Option<u8>, code: Option<&str>) -> &'static [SizeLine] {
    let division = code
        .and_then(|c| c.get(..2))
        .and_then(|d| d.parse::<u8>().ok());
    let group = code.and_then(|c| c.get(..3));
    match section {
        Some(b'A') => &[AGRICULTURE],
        Some(b'B' | b'C' | b'D') => &[INDUSTRY],
        Some(b'E') => &[CONSTRUCTION],
        Some(b'F') => match division {
            Some(51) => &[WHOLESALE],
            Some(52) => &[RETAIL],
            _ => &[WHOLESALE, RETAIL],
        },
        Some(b'G') => match division {
            Some(59) => &[STORAGE],
            Some(60) => &[POSTAL],
            Some(53..=58) => &[TRANSPORT],
            _ => &[TRANSPORT, STORAGE, POSTAL],
        },
        Some(b'H') => &[HOSPITALITY],
        Some(b'I') => match division {
            Some(63 | 64) => &[TELECOM],
            Some(65) => &[SOFTWARE],
            _ => &[TELECOM, SOFTWARE],
        },
        Some(b'K') => match group {
            Some("701") => &[REAL_ESTATE_DEVELOPMENT],
            Some("702") => &[PROPERTY_MANAGEMENT],
            Some(_) => &[OTHER],
            None => &[REAL_ESTATE_DEVELOPMENT, PROPERTY_MANAGEMENT, OTHER],
        },
        Some(b'L') => &[LEASING_BUSINESS],
        _ => &[OTHER],
    }
}

impl SizeLine {
    /// Under any bound of the line; an unknown figure meets no bound.
    pub fn is_sme(
        &self,
        employees: Option<Amount>,
        revenue: Option<Amount>,
        assets: Option<Amount>,
    ) -> bool {
        let under = |v: Option<Amount>, bound: Option<i64>| match (v, bound) {
            (Some(v), Some(b)) => v < Amount::units(b),
            _ => false,
        };
        under(employees, self.employees_below)
            || under(revenue, self.revenue_below)
            || under(assets, self.assets_below)
    }
}

/// SME under every line that may apply: a firm of an industry the input does not pin down
/// is counted as an SME only when no reading of its industry makes it large.
pub fn is_sme(
    section: Option<u8>,
    code: Option<&str>,
    employees: Option<Amount>,
    revenue: Option<Amount>,
    assets: Option<Amount>,
) -> bool {
    lines(section, code)
        .iter()
        .all(|l| l.is_sme(employees, revenue, assets))
}
