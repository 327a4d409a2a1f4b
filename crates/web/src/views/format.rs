//! Formatting for pages and exports: thousands grouping, 万元, m², 亩, percentages, and the
//! per-mu class as shown.
//! Every page formats through these, so one figure reads the same everywhere.

use crate::i18n::Tr;
use devzone_core::model::M2_PER_MU;

/// 12345678.9 → "12,345,678.90"
pub fn grouped(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((s.clone(), None));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    // A value that rounds to zero has no sign: "-0.00" is no figure anyone wrote.
    let zero = s.bytes().all(|b| b == b'0' || b == b'.');
    let sign = if v < 0.0 && !zero { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Yuan in one 万元.
const YUAN_PER_WAN: f64 = 10_000.0;

/// Yuan shown in 万元, grouped, with `decimals` decimals: the one money formatter.
pub fn wan_yuan(yuan: f64, decimals: usize) -> String {
    grouped(yuan / YUAN_PER_WAN, decimals)
}

/// Hundredths of a yuan (as stored) shown in 万元 with two decimals; blank when absent.
pub fn wan(centi: Option<i64>) -> String {
    centi
        .map(|c| wan_yuan(c as f64 / 100.0, 2))
        .unwrap_or_default()
}

/// Square metres, grouped, no decimals.
pub fn m2(v: f64) -> String {
    grouped(v, 0)
}

/// Square metres shown in 亩 (mu) with one decimal.
pub fn mu(v_m2: f64) -> String {
    grouped(v_m2 / M2_PER_MU, 1)
}

/// A share (0.25) as a percentage with one decimal ("25.0%"), or a dash.
pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// A stored per-mu class as shown: its name, or "not rated" in the viewer's language.
pub fn class_label(t: &Tr, class: Option<&str>) -> String {
    match class {
        Some("not_rated") => t.t("eval.not_rated").to_string(),
        Some(c) => c.to_string(),
        None => String::new(),
    }
}

/// A unit written in Chinese by the engines (万元, 亩, 万元/吨标准煤) in the reader's
/// language.
pub fn unit_text(t: &Tr, unit: &str) -> String {
    if t.0 == crate::i18n::Lang::Zh {
        return unit.to_string();
    }
    unit.split('/')
        .map(|u| match u.trim() {
            "亩" => "mu",
            "万元" => "10k yuan",
            "亿元" => "100m yuan",
            "元" => "yuan",
            "吨标准煤" => "tce",
            "吨" => "t",
            "人" => "person",
            "万千瓦时" => "10k kWh",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// An amount of yuan at the scale a reader expects: 亿元 in Chinese ("55.9 亿元"), billions
/// in English ("5.59 bn yuan"), since "55.9 100 million yuan" reads as two numbers. Below one
/// 亿 (one billion) the smaller unit reads better: "1,000 万元", "10.0 m yuan".
pub fn large_yuan(t: &Tr, yuan: f64) -> String {
    match t.0 {
        crate::i18n::Lang::Zh if yuan.abs() < 1e8 => format!("{} 万元", grouped(yuan / 1e4, 0)),
        crate::i18n::Lang::Zh => format!("{} 亿元", grouped(yuan / 1e8, 1)),
        crate::i18n::Lang::En if yuan.abs() < 1e9 => format!("{} m yuan", grouped(yuan / 1e6, 1)),
        crate::i18n::Lang::En => format!("{} bn yuan", grouped(yuan / 1e9, 2)),
    }
}

/// A figure for an input box: at most `decimals` decimals, no trailing zeros, no grouping
/// (28081.21, not 28081.208026067186).
pub fn plain(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// What separates the items of a list in a sentence: "、" in Chinese, ", " in English.
pub fn list_sep(t: &crate::i18n::Tr) -> &'static str {
    match t.0 {
        crate::i18n::Lang::Zh => "、",
        crate::i18n::Lang::En => ", ",
    }
}
