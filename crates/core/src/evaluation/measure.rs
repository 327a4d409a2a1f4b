//! The input quantities of a per-mu evaluation, in the units of the evaluation spec
//! (docs/per-mu-default.md): land in 亩, money in 万元, electricity in 万千瓦时.

use crate::FactField;

macro_rules! measures {
    ($($variant:ident = $id:literal, $zh:literal, $unit:literal, $field:ident, $per_stored:expr;)+) => {
        /// A numeric input column of the evaluation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Measure { $($variant),+ }

        impl Measure {
            pub const ALL: [Measure; 10] = [$(Measure::$variant),+];
            pub fn id(self) -> &'static str { match self { $(Measure::$variant => $id),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($id => Some(Measure::$variant),)+ _ => None } }
            /// The Chinese column header of the spec.
            pub fn header_zh(self) -> &'static str { match self { $(Measure::$variant => $zh),+ } }
            /// The unit the engine works in.
            pub fn unit(self) -> &'static str { match self { $(Measure::$variant => $unit),+ } }
            /// The stored annual fact this measure is read from in database mode.
            pub fn fact(self) -> FactField { match self { $(Measure::$variant => FactField::$field),+ } }
            /// How many stored base units make one evaluation unit (1 万元 = 10,000 元).
            pub fn stored_per_unit(self) -> f64 { match self { $(Measure::$variant => $per_stored),+ } }
            pub fn index(self) -> usize { self as usize }
        }
    };
}

measures! {
    LandMu = "land_mu", "用地面积", "亩", LandArea, crate::model::M2_PER_MU;
    Revenue = "revenue", "营业收入", "万元", Revenue, 10_000.0;
    MainRevenue = "main_revenue", "主营业务收入", "万元", MainRevenue, 10_000.0;
    ValueAdded = "value_added", "工业增加值", "万元", ValueAdded, 10_000.0;
    Tax = "tax", "实缴税金", "万元", Tax, 10_000.0;
    RdExpense = "rd_expense", "研发经费支出", "万元", RdExpense, 10_000.0;
    Employees = "employees", "年平均从业人员", "人", Employees, 1.0;
    EnergyTce = "energy_tce", "综合能耗", "吨标准煤", EnergyTce, 1.0;
    EmissionEquiv = "emission_equiv", "主要污染物排放当量", "吨", EmissionEquiv, 1.0;
    Electricity = "electricity", "用电量", "万千瓦时", Electricity, 10_000.0;
}

/// Factor that converts a value given with the unit suffix `suffix` in a header into the
/// evaluation unit of `m`; None when the suffix is not a unit of that quantity.
pub fn unit_factor(m: Measure, suffix: &str) -> Option<f64> {
    let s = suffix.trim();
    let money = |s: &str| match s {
        "元" => Some(1e-4),
        "万元" => Some(1.0),
        "亿元" => Some(1e4),
        _ => None,
    };
    match m {
        Measure::LandMu => match s {
            "亩" => Some(1.0),
            "平方米" | "m2" | "m²" => Some(1.0 / crate::model::M2_PER_MU),
            "公顷" | "ha" => Some(15.0),
            _ => None,
        },
        Measure::Employees => matches!(s, "人" | "persons").then_some(1.0),
        Measure::EnergyTce => matches!(s, "吨标准煤" | "tce" | "吨标煤").then_some(1.0),
        Measure::EmissionEquiv => matches!(s, "吨" | "t" | "吨当量").then_some(1.0),
        Measure::Electricity => match s {
            "万千瓦时" | "万kWh" => Some(1.0),
            "千瓦时" | "kWh" | "度" => Some(1e-4),
            _ => None,
        },
        _ => money(s),
    }
}
