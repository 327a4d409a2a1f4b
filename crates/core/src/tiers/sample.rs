//! Sample input for the tier file mode, in the spec's layout (for the benchmark and for
//! trying the command): mostly manufacturers with figures spread around every band's
//! bound, a few percent of blanks, unlisted values, and the problems real sheets carry (bad
//! check characters, lower case and spaces in codes, text in number cells, negative
//! amounts, repeated codes). Each row is computed from its index alone.

use crate::CreditCode;

pub const HEADER: [&str; 22] = [
    "credit_code",
    "name",
    "section",
    "employees",
    "revenue",
    "main_revenue",
    "main_revenue_prev",
    "rd_expense",
    "total_assets",
    "total_liabilities",
    "ip_class1_high_value",
    "ip_class1_self",
    "ip_class1",
    "ip_class2",
    "sei_field",
    "honours",
    "award_3y",
    "rd_institution",
    "equity_financing_3y",
    "abnormal_list",
    "dishonest_list",
    "major_accident_3y",
];

/// A stream of pseudo-random numbers seeded by the row (SplitMix64).
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// An integer in lo..=hi.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// True `per_mille` times in a thousand.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

const NAME_PARTS: [&str; 8] = [
    "精密",
    "智能",
    "新材料",
    "电子",
    "生物",
    "光电",
    "装备",
    "科技",
];
const SECTIONS: [&str; 10] = ["B", "D", "E", "F", "G", "I", "K", "L", "M", "A"];

fn code_of(index: usize) -> String {
    let body = format!("{:08}", index % 100_000_000);
    CreditCode::assemble("91", "442000", &body)
        .expect("digits are symbols of the alphabet")
        .as_str()
        .to_string()
}

/// Row `index` of the sample.
pub fn row(index: usize) -> Vec<String> {
    let mut d = Draw(index as u64 ^ 0x7469_6572_7321);
    let blank = |d: &mut Draw, v: String| if d.chance(20) { String::new() } else { v };
    let repeat = index % 503 == 502;
    let mut code = code_of(if repeat { index - 1 } else { index });
    if index % 997 == 13 {
        let last = code.pop().expect("18 characters");
        code.push(if last == '1' { '2' } else { '1' });
    } else if index % 1009 == 21 {
        code = format!("{} {}", &code[..9], &code[9..]).to_lowercase();
    }
    let name = format!(
        "中山{}{}有限公司{index}",
        NAME_PARTS[d.range(0, 7) as usize],
        NAME_PARTS[d.range(0, 7) as usize]
    );
    let section = if d.chance(850) {
        "C"
    } else {
        SECTIONS[d.range(0, 9) as usize]
    };
    // Employees spread across the SME bound of industry (1,000) and of others (300).
    let employees = match d.range(0, 9) {
        0 => d.range(900, 1_200),
        1 => d.range(250, 350),
        _ => d.range(5, 600),
    };
    // Main revenue of the year before, in hundreds of yuan so that whole-percent growth
    // and shares land exactly on their bounds.
    let prev = d.range(100, 4_000_000) * 100;
    let growth_pct = d.range(0, 60) as i64 - 20;
    let main = (prev as i64 * (100 + growth_pct) / 100) as u64;
    let share_pct = d.range(40, 100);
    let revenue = if d.chance(50) {
        d.range(380_000_000, 420_000_000)
    } else {
        main * 100 / share_pct
    };
    let rd = revenue * d.range(0, 80) / 1000;
    let assets = revenue * d.range(50, 200) / 100;
    let liabilities = assets * d.range(20, 95) / 100;
    let count = |d: &mut Draw, per_mille: u64| {
        if d.chance(per_mille) {
            d.range(1, 5).to_string()
        } else if d.chance(100) {
            String::new()
        } else {
            "0".into()
        }
    };
    let mut revenue_cell = blank(&mut d, revenue.to_string());
    if index % 1013 == 31 {
        revenue_cell = "n/a".into();
    }
    let mut rd_cell = blank(&mut d, rd.to_string());
    if index % 1019 == 41 {
        rd_cell = format!("-{rd}");
    }
    let honours = match d.range(0, 99) {
        0..=5 => "high_tech",
        6 => "high_tech;ip_demo",
        7 => "tech_innovation_demo",
        8 => "province_star",
        _ => "",
    };
    let award = match d.range(0, 199) {
        0 => "national",
        1..=4 => "provincial",
        5 | 6 => "municipal",
        _ => "",
    };
    let institution = match d.range(0, 99) {
        0 => "national",
        1..=4 => "provincial",
        5..=14 => "municipal",
        15..=24 => "below",
        _ => "",
    };
    let equity = match d.range(0, 99) {
        0 => "5000000".to_string(),
        1 | 2 => (d.range(1, 200) * 100_000).to_string(),
        _ => String::new(),
    };
    let yes = |d: &mut Draw, per_mille: u64| if d.chance(per_mille) { "yes" } else { "" };
    vec![
        code,
        name,
        section.into(),
        blank(&mut d, employees.to_string()),
        revenue_cell,
        blank(&mut d, main.to_string()),
        blank(&mut d, prev.to_string()),
        rd_cell,
        blank(&mut d, assets.to_string()),
        blank(&mut d, liabilities.to_string()),
        count(&mut d, 30),
        count(&mut d, 120),
        count(&mut d, 300),
        count(&mut d, 400),
        yes(&mut d, 300).into(),
        honours.into(),
        award.into(),
        institution.into(),
        equity,
        yes(&mut d, 10).into(),
        yes(&mut d, 5).into(),
        yes(&mut d, 3).into(),
    ]
}
