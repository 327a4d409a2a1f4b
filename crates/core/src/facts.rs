//! Annual facts: the figures an enterprise reports for a year, each with its unit.
//!
//! Values are stored as integers in hundredths of the base unit (`centi`): sums over
//! 100,000 enterprises are then exact and identical on SQLite and PostgreSQL, which a
//! floating-point or text-decimal column would not guarantee. Two decimals of a yuan,
//! a square metre, a kWh or a tonne is finer than any source reports.

use crate::model::{FactSource, M2_PER_MU, Unit};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

macro_rules! fields {
    ($($variant:ident = $id:literal, $unit:ident, $neg:literal, $zh:literal, $en:literal;)+) => {
        /// One column of the annual facts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FactField { $($variant),+ }

        impl FactField {
            pub const ALL: &'static [FactField] = &[$(FactField::$variant),+];
            pub fn id(self) -> &'static str { match self { $(FactField::$variant => $id),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($id => Some(FactField::$variant),)+ _ => None } }
            /// The unit in which the value is stored.
            pub fn unit(self) -> Unit { match self { $(FactField::$variant => Unit::$unit),+ } }
            /// Whether a negative value is meaningful (value added, net profit).
            pub fn allows_negative(self) -> bool { match self { $(FactField::$variant => $neg),+ } }
            pub fn label_zh(self) -> &'static str { match self { $(FactField::$variant => $zh),+ } }
            pub fn label_en(self) -> &'static str { match self { $(FactField::$variant => $en),+ } }
        }
    };
}

fields! {
    LandArea = "land_area", SquareMetre, false, "用地面积", "Land area";
    Revenue = "revenue", Yuan, false, "营业收入", "Operating revenue";
    MainRevenue = "main_revenue", Yuan, false, "主营业务收入", "Main-business revenue";
    ValueAdded = "value_added", Yuan, true, "工业增加值", "Industrial value added";
    Tax = "tax", Yuan, false, "实缴税金", "Taxes paid";
    RdExpense = "rd_expense", Yuan, false, "研发经费支出", "R&D expense";
    Employees = "employees", Person, false, "年平均从业人员", "Average employees";
    EnergyTce = "energy_tce", TonneCoalEquivalent, false, "综合能耗", "Total energy use";
    EmissionEquiv = "emission_equiv", Tonne, false, "主要污染物排放当量", "Main pollutant emissions";
    Electricity = "electricity", KilowattHour, false, "用电量", "Electricity use";
    AboveScale = "above_scale", Flag, false, "规上企业", "Above designated size";
    Veto = "veto", Text, false, "一票否决", "Veto";
    TotalAssets = "total_assets", Yuan, false, "资产总计", "Total assets";
    TotalLiabilities = "total_liabilities", Yuan, false, "负债总计", "Total liabilities";
    NetProfit = "net_profit", Yuan, true, "净利润", "Net profit";
    ExportValue = "export_value", Yuan, false, "出口交货值", "Export value";
    ForeignCapitalUsd = "foreign_capital_usd", Usd, false, "实际使用外资", "Foreign capital actually used";
    RdStaff = "rd_staff", Person, false, "研发人员", "R&D staff";
    IpClass1 = "ip_class1", Count, false, "I类知识产权", "Class-I IP";
    IpClass2 = "ip_class2", Count, false, "II类知识产权", "Class-II IP";
}

impl FactField {
    pub fn is_numeric(self) -> bool {
        self.unit() != Unit::Text
    }
}

/// A stored quantity: hundredths of the field's base unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Centi(pub i64);

/// The largest magnitude a single figure may have, in its base unit: ten trillion yuan,
/// kWh or m². No enterprise reaches it, so only typing errors and hostile input are
/// refused (as `number.too_large`, at their field or cell), and the products and sums
/// computed from figures stay far inside `i64`.
pub const MAX_MAGNITUDE: i64 = 10_000_000_000_000;

impl Centi {
    /// Rounds half away from zero to hundredths. None when beyond [`MAX_MAGNITUDE`].
    pub fn from_decimal(d: Decimal) -> Option<Self> {
        if d.abs() > Decimal::from(MAX_MAGNITUDE) {
            return None;
        }
        d.checked_mul(Decimal::from(100))?
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .map(Centi)
    }
    pub fn from_f64(v: f64) -> Option<Self> {
        let c = (v * 100.0).round();
        (c.is_finite() && c.abs() <= MAX_MAGNITUDE as f64 * 100.0).then_some(Centi(c as i64))
    }
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// How a value is shown to officials: money in 万元, land in 亩, electricity in 万千瓦时.
pub fn display_value(field: FactField, v: Centi) -> String {
    let x = v.to_f64();
    match field.unit() {
        Unit::Yuan | Unit::Usd => format!("{:.2}", x / 10_000.0),
        Unit::SquareMetre => format!("{:.2}", x / M2_PER_MU),
        Unit::KilowattHour => format!("{:.2}", x / 10_000.0),
        Unit::Person | Unit::Count => format!("{:.0}", x),
        Unit::Flag => (if v.0 != 0 { "✓" } else { "—" }).to_string(),
        _ => format!("{:.2}", x),
    }
}

/// [`display_value`] with thousands separators (12,345.67), as pages show figures; forms
/// keep the plain number.
pub fn display_grouped(field: FactField, v: Centi) -> String {
    let plain = display_value(field, v);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        return plain;
    }
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The unit shown next to [`display_value`], as a translation key suffix.
pub fn display_unit(field: FactField) -> &'static str {
    match field.unit() {
        Unit::Yuan => "wan_yuan",
        Unit::Usd => "wan_usd",
        Unit::SquareMetre => "mu",
        Unit::KilowattHour => "wan_kwh",
        Unit::TonneCoalEquivalent => "tce",
        Unit::Tonne => "t",
        Unit::Person => "person",
        Unit::Count => "count",
        Unit::Flag | Unit::Text => "none",
    }
}

/// Converts a value typed in display units back to the stored unit.
pub fn from_display(field: FactField, d: Decimal) -> Option<Centi> {
    let factor = match field.unit() {
        Unit::Yuan | Unit::Usd | Unit::KilowattHour => Decimal::from(10_000),
        Unit::SquareMetre => Decimal::from(10_000) / Decimal::from(15),
        _ => Decimal::ONE,
    };
    Centi::from_decimal(d.checked_mul(factor)?)
}

/// Which source's value of a field is current when sources disagree: the first source in
/// the field's order that has a value wins; within one source the newest value wins.
///
/// The default puts the officer first (a figure typed into a form is a deliberate
/// correction), then the bureau that owns the figure: the tax bureau for taxes, the power
/// company for electricity, the environment bureau for emissions, the statistics bureau for
/// the rest; the enterprise's own declaration comes last but one, before nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Precedence {
    /// A zone's own orders, per field; fields not here use [`Precedence::default_order`].
    pub overrides: std::collections::BTreeMap<FactField, Vec<FactSource>>,
}

impl Precedence {
    pub fn default_order(field: FactField) -> Vec<FactSource> {
        use FactSource::*;
        let owner: &[FactSource] = match field {
            FactField::Tax => &[TaxBureau, StatisticsBureau],
            FactField::Electricity => &[PowerCompany, StatisticsBureau],
            FactField::EnergyTce => &[StatisticsBureau, PowerCompany],
            FactField::EmissionEquiv => &[EnvironmentBureau, StatisticsBureau],
            _ => &[StatisticsBureau, TaxBureau],
        };
        let mut order = vec![Officer];
        order.extend_from_slice(owner);
        for s in [
            StatisticsBureau,
            TaxBureau,
            PowerCompany,
            EnvironmentBureau,
            SelfReported,
        ] {
            if !order.contains(&s) {
                order.push(s);
            }
        }
        order
    }

    pub fn order(&self, field: FactField) -> Vec<FactSource> {
        self.overrides
            .get(&field)
            .cloned()
            .unwrap_or_else(|| Self::default_order(field))
    }

    /// The position of `source` in the field's order (0 is best); a source the order
    /// leaves out ranks after all listed ones.
    pub fn rank(&self, field: FactField, source: &str) -> usize {
        let order = self.order(field);
        order
            .iter()
            .position(|s| s.id() == source)
            .unwrap_or(order.len())
    }

    /// Checks an order typed by a person: known sources, each once, all of them present.
    pub fn parse_order(text: &str) -> Result<Vec<FactSource>, String> {
        let mut out = Vec::new();
        for part in text
            .split([',', '，', ' ', '>'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let s = FactSource::parse(part).ok_or_else(|| part.to_string())?;
            if out.contains(&s) {
                return Err(part.to_string());
            }
            out.push(s);
        }
        for s in FactSource::ALL {
            if !out.contains(s) {
                out.push(*s);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_group_thousands_and_forms_do_not() {
        let v = Centi(123_456_789_000); // hundredths: 1,234,567,890 元 = 123,456.79 万元
        assert_eq!(display_value(FactField::Revenue, v), "123456.79");
        assert_eq!(display_grouped(FactField::Revenue, v), "123,456.79");
        assert_eq!(
            display_grouped(FactField::Revenue, Centi(-500_000_000)),
            "-500.00"
        );
        assert_eq!(
            display_grouped(FactField::Employees, Centi(120_000)),
            "1,200"
        );
    }
    use std::str::FromStr;

    #[test]
    fn precedence_defaults_and_overrides() {
        let mut p = Precedence::default();
        assert!(p.rank(FactField::Tax, "tax_bureau") < p.rank(FactField::Tax, "self_reported"));
        assert!(
            p.rank(FactField::Electricity, "power_company")
                < p.rank(FactField::Electricity, "statistics_bureau")
        );
        assert_eq!(p.rank(FactField::Revenue, "officer"), 0);
        p.overrides.insert(
            FactField::Tax,
            Precedence::parse_order("self_reported, tax_bureau").unwrap(),
        );
        assert_eq!(p.rank(FactField::Tax, "self_reported"), 0);
        assert_eq!(p.order(FactField::Tax).len(), FactSource::ALL.len());
        assert_eq!(
            Precedence::parse_order("tax_bureau,mars"),
            Err("mars".into())
        );
        assert_eq!(
            Precedence::parse_order("tax_bureau,tax_bureau"),
            Err("tax_bureau".into())
        );
    }

    #[test]
    fn conversions() {
        let one_mu = from_display(FactField::LandArea, Decimal::ONE).unwrap();
        assert_eq!(one_mu, Centi(66_667)); // 666.67 m²
        assert_eq!(display_value(FactField::LandArea, one_mu), "1.00");
        let wan = from_display(FactField::Revenue, Decimal::from_str("123.456").unwrap()).unwrap();
        // Beyond the bound, and far beyond what Decimal can multiply: refused, no panic.
        for huge in [
            "1000000000000000000000000000",
            "90000000000000000",
            "-10000000000001",
        ] {
            assert_eq!(
                Centi::from_decimal(Decimal::from_str(huge).unwrap()),
                None,
                "{huge}"
            );
        }
        assert_eq!(
            Centi::from_decimal(Decimal::from(MAX_MAGNITUDE)),
            Some(Centi(MAX_MAGNITUDE * 100))
        );
        assert_eq!(wan, Centi(123_456_000));
        assert_eq!(display_value(FactField::Revenue, wan), "123.46");
        assert_eq!(
            Centi::from_decimal(Decimal::from_str("0.005").unwrap()),
            Some(Centi(1))
        );
        assert_eq!(
            Centi::from_decimal(Decimal::from_str("-0.005").unwrap()),
            Some(Centi(-1))
        );
    }

    #[test]
    fn every_field_has_an_id_that_parses() {
        for f in FactField::ALL {
            assert_eq!(FactField::parse(f.id()), Some(*f));
        }
        assert!(FactField::ValueAdded.allows_negative());
        assert!(!FactField::Tax.allows_negative());
    }
}
