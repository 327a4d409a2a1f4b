//! How far an enterprise is from the 2022 innovative-SME title by the score route: the fewest
//! indicator changes that would make its score pass (total ≥ 60 and every group at its
//! minimum), each with what it asks — "R&D to 3 % of revenue: +54 万元", "1 class-I
//! patent". Every candidate set of changes is checked by scoring the changed figures with the
//! rules themselves, so a distance never promises a pass the rules would not give.
//!
//! Among sets of the same size the cheapest wins: money asked counts as its share of
//! revenue (of total assets when revenue is unknown), and a change that is not money (one
//! more patent of a class, a main product in the strategic emerging industries) counts as
//! 5 % of revenue.

use super::amount::Amount;
use super::innovative_2022::{Assessment, DEBT, GROWTH, Input, MAIN_SHARE, RD_RATIO, Reason};
use super::innovative_2022::{Bands, points};
use serde::Serialize;

/// At most this many indicators changed; an enterprise further away is "far".
pub const MAX_CHANGES: usize = 3;

/// What a change that is not money counts as, in share of revenue.
const NON_MONEY_EFFORT: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Ip,
    RdRatio,
    Growth,
    Debt,
    Field,
    MainShare,
}

impl Indicator {
    pub const ALL: [Indicator; 6] = [
        Indicator::Ip,
        Indicator::RdRatio,
        Indicator::Growth,
        Indicator::Debt,
        Indicator::Field,
        Indicator::MainShare,
    ];

    /// The id of the file mode's points column without `_points`.
    pub fn id(self) -> &'static str {
        match self {
            Indicator::Ip => "ip",
            Indicator::RdRatio => "rd_ratio",
            Indicator::Growth => "growth",
            Indicator::Debt => "debt",
            Indicator::Field => "field",
            Indicator::MainShare => "main_share",
        }
    }
}

/// What one change asks of the enterprise. Amounts in yuan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Need {
    /// `input` (`rd_expense` or `main_revenue`) raised by `by`, to `to`, which is `percent` %
    /// of `of` (`revenue`, or `main_revenue_prev` for growth, where `percent` is 100 plus
    /// the growth rate).
    Raise {
        input: &'static str,
        by: f64,
        to: f64,
        percent: i64,
        of: &'static str,
    },
    /// `total_liabilities` lowered by `by`, to `to` (`percent` % of total assets).
    Lower {
        input: &'static str,
        by: f64,
        to: f64,
        percent: i64,
    },
    /// At least one valid IP right of this class (`ip_class2`, `ip_class1`,
    /// `ip_class1_self`, `ip_class1_high_value`).
    Hold { input: &'static str },
    /// The main product in the strategic emerging industries (`sei_field`).
    SeiField,
}

/// One indicator raised from `from` to `to` points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub indicator: Indicator,
    pub from: u8,
    pub to: u8,
    pub need: Need,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum Distance {
    /// Meets the title already.
    Eligible,
    /// Cannot get there by its figures: not an SME by size, or on a compliance list.
    Blocked(&'static str),
    /// The fewest changes (1 to `MAX_CHANGES`) that pass the score route, and the total
    /// they reach.
    Changes { changes: Vec<Change>, total: u8 },
    /// More than `MAX_CHANGES` changes away, or the figures a change would build on
    /// (revenue, prior main revenue, total assets) are unknown.
    Far,
}

impl Distance {
    /// How many changes away: 0 when eligible, `MAX_CHANGES + 1` when blocked or far.
    pub fn steps(&self) -> usize {
        match self {
            Distance::Eligible => 0,
            Distance::Changes { changes, .. } => changes.len(),
            Distance::Blocked(_) | Distance::Far => MAX_CHANGES + 1,
        }
    }
}

/// A figure set by a change.
#[derive(Debug, Clone, Copy)]
enum Edit {
    Rd(Amount),
    MainRevenue(Amount),
    Liabilities(Amount),
    /// Index into `IP_LEVELS`.
    Ip(usize),
    Sei,
}

/// The IP classes from the lowest, with their points.
const IP_LEVELS: [(&str, u8); 4] = [
    ("ip_class2", 5),
    ("ip_class1", 10),
    ("ip_class1_self", 15),
    ("ip_class1_high_value", 20),
];

/// The smallest `x` with `x ÷ of ≥ percent %`.
fn at_least(of: Amount, percent: i64) -> Amount {
    let n = of.micros_value() * percent as i128;
    Amount::micros(n.div_euclid(100) + i128::from(n.rem_euclid(100) != 0))
}

/// The largest `x` with `x ÷ of ≤ percent %`.
fn at_most(of: Amount, percent: i64) -> Amount {
    Amount::micros((of.micros_value() * percent as i128).div_euclid(100))
}

fn bands(b: &Bands) -> &'static [(i64, u8)] {
    match b {
        Bands::AtLeast(x) | Bands::AtMost(x) => x,
    }
}

/// One upgrade of an indicator: the points it reaches, the figure it sets, what it asks.
type Upgrade = (u8, Edit, Need);

/// An upgrade that raises `input` from `cur` to `to`, `percent` % of `of`.
fn raise(
    pts: u8,
    edit: Edit,
    input: &'static str,
    cur: Amount,
    to: Amount,
    percent: i64,
    of: &'static str,
) -> Upgrade {
    let need = Need::Raise {
        input,
        by: (to - cur).to_f64(),
        to: to.to_f64(),
        percent,
        of,
    };
    (pts, edit, need)
}

/// The upgrades of one indicator above its current points.
fn options(i: &Input, ind: Indicator, now: u8) -> Vec<Upgrade> {
    let revenue = i.revenue.filter(|r| r.is_positive());
    let mut out = Vec::new();
    match ind {
        Indicator::Ip => {
            for (k, (input, pts)) in IP_LEVELS.iter().enumerate() {
                if *pts > now {
                    out.push((*pts, Edit::Ip(k), Need::Hold { input }));
                }
            }
        }
        Indicator::RdRatio => {
            if let Some(rev) = revenue {
                let cur = i.rd_expense.unwrap_or(Amount::ZERO);
                for &(pct, pts) in bands(&RD_RATIO).iter().filter(|b| b.1 > now) {
                    let to = at_least(rev, pct);
                    out.push(raise(
                        pts,
                        Edit::Rd(to),
                        "rd_expense",
                        cur,
                        to,
                        pct,
                        "revenue",
                    ));
                }
            }
        }
        Indicator::Growth => {
            if let (Some(prev), Some(cur)) = (
                i.main_revenue_prev.filter(|p| p.is_positive()),
                i.main_revenue,
            ) {
                for &(pct, pts) in bands(&GROWTH).iter().filter(|b| b.1 > now) {
                    let to = at_least(prev, 100 + pct);
                    // Main revenue is part of revenue: a raise beyond it would change
                    // revenue too (and the R&D ratio and size with it), so it is not offered.
                    if i.revenue.is_some_and(|r| to > r) {
                        continue;
                    }
                    let edit = Edit::MainRevenue(to);
                    let of = "main_revenue_prev";
                    out.push(raise(pts, edit, "main_revenue", cur, to, 100 + pct, of));
                }
            }
        }
        Indicator::Debt => {
            if let (Some(assets), Some(cur)) = (
                i.total_assets.filter(|a| a.is_positive()),
                i.total_liabilities,
            ) {
                for &(pct, pts) in bands(&DEBT).iter().filter(|b| b.1 > now) {
                    let to = at_most(assets, pct);
                    out.push((
                        pts,
                        Edit::Liabilities(to),
                        Need::Lower {
                            input: "total_liabilities",
                            by: (cur - to).to_f64(),
                            to: to.to_f64(),
                            percent: pct,
                        },
                    ));
                }
            }
        }
        Indicator::Field => {
            if !i.sei_field {
                out.push((10, Edit::Sei, Need::SeiField));
            }
        }
        Indicator::MainShare => {
            if let (Some(rev), Some(cur)) = (revenue, i.main_revenue) {
                for &(pct, pts) in bands(&MAIN_SHARE).iter().filter(|b| b.1 > now) {
                    let to = at_least(rev, pct);
                    let edit = Edit::MainRevenue(to);
                    out.push(raise(pts, edit, "main_revenue", cur, to, pct, "revenue"));
                }
            }
        }
    }
    out
}

/// The input with the edits made (two raises of main revenue: the larger), and what the
/// edits cost.
fn apply(i: &Input, edits: &[Edit]) -> (Input, f64) {
    let mut x = i.clone();
    let mut non_money = 0.0;
    for e in edits {
        match *e {
            Edit::Rd(to) => x.rd_expense = Some(to),
            Edit::MainRevenue(to) => {
                x.main_revenue = Some(x.main_revenue.map_or(to, |m| if m > to { m } else { to }))
            }
            Edit::Liabilities(to) => x.total_liabilities = Some(to),
            Edit::Ip(k) => {
                let one = Some(Amount::units(1));
                match k {
                    0 => x.ip_class2 = one,
                    1 => x.ip_class1 = one,
                    2 => x.ip_class1_self = one,
                    _ => x.ip_class1_high_value = one,
                }
                non_money += NON_MONEY_EFFORT;
            }
            Edit::Sei => {
                x.sei_field = true;
                non_money += NON_MONEY_EFFORT;
            }
        }
    }
    let scale = i
        .revenue
        .filter(|r| r.is_positive())
        .or(i.total_assets.filter(|a| a.is_positive()))
        .map_or(1.0, |s| s.to_f64());
    let raised = |a: Option<Amount>, b: Option<Amount>| match (a, b) {
        (Some(a), Some(b)) => (a - b).to_f64().abs(),
        (Some(a), None) => a.to_f64(),
        _ => 0.0,
    };
    let money = raised(x.rd_expense, i.rd_expense)
        + raised(x.main_revenue, i.main_revenue)
        + raised(x.total_liabilities, i.total_liabilities);
    (x, money / scale + non_money)
}

/// The distance of an assessed enterprise to the title.
pub fn distance(i: &Input, a: &Assessment) -> Distance {
    match a.outcome {
        Ok(_) => return Distance::Eligible,
        Err(Reason::NotSme) | Err(Reason::NonCompliant) => {
            return Distance::Blocked(a.outcome.err().map_or("", Reason::id));
        }
        Err(Reason::ScoreBelow) => {}
    }
    let p = a.points;
    let now = |ind: Indicator| match ind {
        Indicator::Ip => p.ip,
        Indicator::RdRatio => p.rd_ratio,
        Indicator::Growth => p.growth,
        Indicator::Debt => p.debt,
        Indicator::Field => p.field,
        Indicator::MainShare => p.main_share,
    };
    // The figures that score, without the industry code the size test read: changed copies
    // of it are made for every candidate set.
    let i = &Input {
        industry_code: None,
        ..i.clone()
    };
    let opts: Vec<(Indicator, Vec<Upgrade>)> = Indicator::ALL
        .iter()
        .map(|&ind| (ind, options(i, ind, now(ind))))
        .filter(|(_, o)| !o.is_empty())
        .collect();
    for k in 1..=MAX_CHANGES.min(opts.len()) {
        let mut best: Option<(f64, Vec<Change>, u8)> = None;
        for combo in combinations(opts.len(), k) {
            // Every choice of one option per indicator of the combination.
            let sizes: Vec<usize> = combo.iter().map(|&c| opts[c].1.len()).collect();
            let mut pick = vec![0usize; k];
            loop {
                let edits: Vec<Edit> = (0..k).map(|j| opts[combo[j]].1[pick[j]].1).collect();
                let (changed, effort) = apply(i, &edits);
                let after = points(&changed);
                if after.passes() && best.as_ref().is_none_or(|b| effort < b.0) {
                    let changes = (0..k)
                        .map(|j| {
                            let (ind, o) = &opts[combo[j]];
                            Change {
                                indicator: *ind,
                                from: now(*ind),
                                to: o[pick[j]].0,
                                need: o[pick[j]].2.clone(),
                            }
                        })
                        .collect();
                    best = Some((effort, changes, after.total()));
                }
                if !next_pick(&mut pick, &sizes) {
                    break;
                }
            }
        }
        if let Some((_, changes, total)) = best {
            return Distance::Changes { changes, total };
        }
    }
    Distance::Far
}

/// The next choice in an odometer over `sizes`; false after the last.
fn next_pick(pick: &mut [usize], sizes: &[usize]) -> bool {
    for j in (0..pick.len()).rev() {
        pick[j] += 1;
        if pick[j] < sizes[j] {
            return true;
        }
        pick[j] = 0;
    }
    false
}

/// The `k`-element subsets of `0..n`, in lexicographic order.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur: Vec<usize> = (0..k).collect();
    if k == 0 || k > n {
        return out;
    }
    loop {
        out.push(cur.clone());
        let Some(j) = (0..k).rev().find(|&j| cur[j] < n - k + j) else {
            return out;
        };
        cur[j] += 1;
        for m in j + 1..k {
            cur[m] = cur[m - 1] + 1;
        }
    }
}

/// The inputs that are unknown and would count if known, in the order of the file mode's
/// columns.
pub fn unknown_inputs(i: &Input) -> Vec<&'static str> {
    [
        ("employees", i.employees.is_none()),
        ("revenue", i.revenue.is_none()),
        ("main_revenue", i.main_revenue.is_none()),
        ("main_revenue_prev", i.main_revenue_prev.is_none()),
        ("rd_expense", i.rd_expense.is_none()),
        ("total_assets", i.total_assets.is_none()),
        ("total_liabilities", i.total_liabilities.is_none()),
    ]
    .into_iter()
    .filter(|(_, unknown)| *unknown)
    .map(|(name, _)| name)
    .collect()
}
