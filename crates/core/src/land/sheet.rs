//! The unit register (房源台账) as a spreadsheet: the asset manager's list of space units with
//! their building, status, rent and current lease, read through the import machinery (grid,
//! header detection with titles, totals and notes skipped, cell parsing, problems at their line
//! and column).
//!
//! One row is one unit, found by plot number, building name and unit name. A building that
//! does not exist yet is created from the row's building type and floor area. The checks
//! that need the database (unknown plot, unit larger than its building, overlapping lease)
//! are made when the rows are planned against it.

use crate::import::cells;
use crate::import::grid::{Grid, HeaderRule, Layout};
use crate::import::headers::{key, split_unit, unit_factor};
use crate::import::{Problem, Severity};
use crate::model::{BuildingType, Unit, UnitStatus};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;

/// The columns of a unit register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Plot,
    Building,
    BuildingType,
    BuildingArea,
    Unit,
    Floor,
    Area,
    Status,
    Rent,
    Tenant,
    LeaseStart,
    LeaseEnd,
    Verified,
}

impl Col {
    pub const ALL: [Col; 13] = [
        Col::Plot,
        Col::Building,
        Col::BuildingType,
        Col::BuildingArea,
        Col::Unit,
        Col::Floor,
        Col::Area,
        Col::Status,
        Col::Rent,
        Col::Tenant,
        Col::LeaseStart,
        Col::LeaseEnd,
        Col::Verified,
    ];

    /// The header the sample sheet writes (Chinese, with its unit).
    pub fn header_zh(self) -> &'static str {
        match self {
            Col::Plot => "宗地编号",
            Col::Building => "楼宇",
            Col::BuildingType => "建筑类型",
            Col::BuildingArea => "楼宇建筑面积(平方米)",
            Col::Unit => "单元",
            Col::Floor => "楼层",
            Col::Area => "单元面积(平方米)",
            Col::Status => "状态",
            Col::Rent => "租金(元/平方米/月)",
            Col::Tenant => "承租人",
            Col::LeaseStart => "起租日",
            Col::LeaseEnd => "到期日",
            Col::Verified => "核实日期",
        }
    }

    /// Header names (compared without spaces, full-width forms or case).
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Plot => &[
                "宗地编号",
                "地块编号",
                "宗地号",
                "地块号",
                "plot",
                "plotnumber",
                "plotcode",
            ],
            Col::Building => &[
                "楼宇",
                "楼栋",
                "楼宇名称",
                "建筑物名称",
                "厂房名称",
                "building",
            ],
            Col::BuildingType => &["建筑类型", "楼宇类型", "房屋类型", "buildingtype"],
            Col::BuildingArea => &[
                "楼宇建筑面积",
                "楼宇面积",
                "楼栋建筑面积",
                "buildingfloorarea",
                "buildingarea",
            ],
            Col::Unit => &["单元", "单元号", "房号", "房源编号", "unit"],
            Col::Floor => &["楼层", "所在楼层", "floor"],
            Col::Area => &[
                "单元面积",
                "面积",
                "租赁面积",
                "可租面积",
                "建筑面积",
                "area",
                "unitarea",
            ],
            Col::Status => &["状态", "使用状态", "出租状态", "status"],
            Col::Rent => &["租金", "租金单价", "月租金单价", "rent"],
            Col::Tenant => &["承租人", "承租方", "租户", "承租单位", "tenant"],
            Col::LeaseStart => &["起租日", "起租日期", "租赁起始日", "租期开始", "leasestart"],
            Col::LeaseEnd => &["到期日", "到期日期", "租赁到期日", "租期结束", "leaseend"],
            Col::Verified => &[
                "核实日期",
                "最近核实",
                "盘点日期",
                "lastverified",
                "verifiedon",
            ],
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Col::Plot | Col::Building | Col::Unit | Col::Area | Col::Status
        )
    }
}

/// Which column holds what, and the factor that turns its figures into base units.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub at: Vec<(Col, usize, f64)>,
}

impl Columns {
    pub fn recognise(headers: &[String]) -> Columns {
        let mut at: Vec<(Col, usize, f64)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let (name, unit) = split_unit(h);
            let Some(col) = Col::ALL
                .into_iter()
                .find(|c| !at.iter().any(|(x, _, _)| x == c) && c.names().contains(&name.as_str()))
            else {
                continue;
            };
            let factor = match (col, unit.as_deref()) {
                (Col::Area | Col::BuildingArea, Some(u)) => unit_factor(Unit::SquareMetre, u)
                    .map(|(n, d)| n as f64 / d as f64)
                    .unwrap_or(f64::NAN),
                // A daily rent (元/平方米/天) becomes monthly: 365 / 12 days.
                (Col::Rent, Some(u)) if u.contains('天') || u.contains('日') => 365.0 / 12.0,
                _ => 1.0,
            };
            at.push((col, i, factor));
        }
        Columns { at }
    }

    pub fn of(&self, c: Col) -> Option<(usize, f64)> {
        self.at
            .iter()
            .find(|(x, _, _)| *x == c)
            .map(|(_, i, f)| (*i, *f))
    }
}

/// Finds the header of a unit register: the row naming a plot-number column and the most
/// others.
pub fn detect(grid: &Grid) -> Option<Layout> {
    let plot_col = |h: &[String]| Columns::recognise(h).of(Col::Plot).map(|(i, _)| i);
    Layout::detect_with(
        grid,
        &HeaderRule {
            score: &|h| {
                let c = Columns::recognise(h);
                c.of(Col::Plot).map(|_| c.at.len())
            },
            key_column: &plot_col,
            key_ok: &|cell| {
                let c = cell.trim();
                !c.is_empty() && !["合计", "总计", "小计"].iter().any(|w| c.contains(w))
            },
        },
    )
}

/// One checked row of a unit register.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub line: usize,
    pub plot: String,
    pub building: String,
    pub building_type: Option<BuildingType>,
    pub building_area: Option<f64>,
    pub unit: String,
    pub floor: Option<String>,
    pub area: f64,
    pub status: UnitStatus,
    pub rent: Option<f64>,
    pub tenant: Option<String>,
    pub lease: Option<(NaiveDate, NaiveDate)>,
    pub verified: Option<NaiveDate>,
}

/// Status words as registers write them.
pub fn parse_status(s: &str) -> Option<UnitStatus> {
    let k = key(s);
    UnitStatus::parse(&k).or(match k.as_str() {
        "空置" | "闲置" | "待租" | "空闲" | "未出租" => Some(UnitStatus::Vacant),
        "已出租" | "已租" | "在租" | "出租" => Some(UnitStatus::Leased),
        "自用" => Some(UnitStatus::SelfUsed),
        "预留" | "意向" | "已预定" => Some(UnitStatus::Reserved),
        "不可用" | "维修" | "不可租" => Some(UnitStatus::Unusable),
        _ => None,
    })
}

pub fn parse_building_type(s: &str) -> Option<BuildingType> {
    let k = key(s);
    BuildingType::parse(&k).or(match k.as_str() {
        "标准厂房" | "厂房" | "工业厂房" => Some(BuildingType::StandardFactory),
        "仓库" | "仓储" | "物流仓库" => Some(BuildingType::Warehouse),
        "研发楼" | "研发" | "科研楼" => Some(BuildingType::RandD),
        "办公楼" | "办公" | "写字楼" | "综合楼" => Some(BuildingType::Office),
        "宿舍" | "宿舍楼" | "公寓" => Some(BuildingType::Dormitory),
        "其他" => Some(BuildingType::Other),
        _ => None,
    })
}

/// The outcome of checking a register: the good rows, and every problem.
#[derive(Debug, Default)]
pub struct CheckedUnits {
    pub rows: Vec<UnitRow>,
    pub problems: Vec<Problem>,
    pub rows_read: usize,
}

/// Checks every data row; a row with an error is kept out, the others are returned.
pub fn check(grid: &Grid, layout: &Layout) -> CheckedUnits {
    let mut out = CheckedUnits {
        problems: layout.notices.clone(),
        rows_read: layout.data_rows.len(),
        ..Default::default()
    };
    let cols = Columns::recognise(&layout.headers);
    let missing: Vec<&str> = Col::ALL
        .into_iter()
        .filter(|c| c.required() && cols.of(*c).is_none())
        .map(Col::header_zh)
        .collect();
    if !missing.is_empty() {
        out.problems
            .push(Problem::error(0, "column.missing", "").with_detail(missing.join("、")));
        return out;
    }
    for (_, i, f) in &cols.at {
        if f.is_nan() {
            out.problems.push(
                Problem::error(0, "unit.mismatch", layout.headers[*i].clone())
                    .at(*i, &layout.headers[*i])
                    .with_detail(split_unit(&layout.headers[*i]).1.unwrap_or_default()),
            );
        }
    }
    if out.problems.iter().any(|p| p.severity == Severity::Error) {
        return out;
    }
    if layout.data_rows.is_empty() {
        out.problems.push(Problem::error(0, "file.no_data", ""));
        return out;
    }
    let mut seen: std::collections::HashMap<(String, String, String), usize> = Default::default();
    for &r in &layout.data_rows {
        let cells = grid.row(r);
        let line = grid.line(r);
        let mut probs: Vec<Problem> = Vec::new();
        let cell = |c: Col| -> Option<(usize, &str)> {
            let (i, _) = cols.of(c)?;
            let v = cells.get(i).map(|s| s.trim()).unwrap_or("");
            (!v.is_empty()).then_some((i, v))
        };
        let header = |i: usize| layout.headers[i].as_str();
        let text = |c: Col, probs: &mut Vec<Problem>| -> Option<String> {
            let (i, v) = cell(c)?;
            if v.chars().count() > 200 {
                probs.push(
                    Problem::error(
                        line,
                        "text.too_long",
                        v.chars().take(40).collect::<String>(),
                    )
                    .at(i, header(i)),
                );
                return None;
            }
            Some(v.to_string())
        };
        let required = |c: Col, v: Option<String>, probs: &mut Vec<Problem>| -> String {
            if v.is_none() && cell(c).is_none() {
                let (i, _) = cols.of(c).expect("required columns checked");
                probs.push(Problem::error(line, "required", "").at(i, header(i)));
            }
            v.unwrap_or_default()
        };
        let number = |c: Col, probs: &mut Vec<Problem>| -> Option<f64> {
            let (i, v) = cell(c)?;
            let f = cols.of(c).map(|(_, f)| f).unwrap_or(1.0);
            match cells::number(v, false) {
                Ok(Some(d)) => {
                    let x = d.to_f64()? * f;
                    if x < 0.0 {
                        probs.push(Problem::error(line, "number.negative", v).at(i, header(i)));
                        None
                    } else {
                        Some(x)
                    }
                }
                Ok(None) => None,
                Err(e) => {
                    probs.push(Problem::error(line, e.rule(), v).at(i, header(i)));
                    None
                }
            }
        };
        let date = |c: Col, probs: &mut Vec<Problem>| -> Option<NaiveDate> {
            let (i, v) = cell(c)?;
            match cells::date(v) {
                Ok(d) => d,
                Err(e) => {
                    probs.push(Problem::error(line, e.rule(), v).at(i, header(i)));
                    None
                }
            }
        };
        let plot = text(Col::Plot, &mut probs);
        let plot = required(Col::Plot, plot, &mut probs);
        let building = text(Col::Building, &mut probs);
        let building = required(Col::Building, building, &mut probs);
        let unit = text(Col::Unit, &mut probs);
        let unit = required(Col::Unit, unit, &mut probs);
        let area = number(Col::Area, &mut probs);
        if area.is_none() && cell(Col::Area).is_none() {
            let (i, _) = cols.of(Col::Area).expect("required");
            probs.push(Problem::error(line, "required", "").at(i, header(i)));
        }
        if area == Some(0.0) {
            let (i, v) = cell(Col::Area).expect("has a value");
            probs.push(Problem::error(line, "number.positive", v).at(i, header(i)));
        }
        let status = match cell(Col::Status) {
            None => {
                let (i, _) = cols.of(Col::Status).expect("required");
                probs.push(Problem::error(line, "required", "").at(i, header(i)));
                None
            }
            Some((i, v)) => {
                let s = parse_status(v);
                if s.is_none() {
                    probs.push(Problem::error(line, "land.status_unknown", v).at(i, header(i)));
                }
                s
            }
        };
        let building_type = match cell(Col::BuildingType) {
            None => None,
            Some((i, v)) => {
                let t = parse_building_type(v);
                if t.is_none() {
                    probs.push(
                        Problem::error(line, "land.building_type_unknown", v).at(i, header(i)),
                    );
                }
                t
            }
        };
        let building_area = number(Col::BuildingArea, &mut probs);
        let rent = number(Col::Rent, &mut probs);
        let tenant = text(Col::Tenant, &mut probs);
        let start = date(Col::LeaseStart, &mut probs);
        let end = date(Col::LeaseEnd, &mut probs);
        let lease = match (start, end) {
            (Some(s), Some(e)) if e < s => {
                let (i, v) = cell(Col::LeaseEnd).expect("has a value");
                probs.push(
                    Problem::error(line, "date.before_start", v)
                        .at(i, header(i))
                        .with_detail(s.to_string()),
                );
                None
            }
            (Some(s), Some(e)) => Some((s, e)),
            (Some(_), None) | (None, Some(_)) => {
                let c = if start.is_none() {
                    Col::LeaseStart
                } else {
                    Col::LeaseEnd
                };
                let (i, _) = cols.of(c).expect("the other date's column is there");
                probs
                    .push(Problem::error(line, "land.lease_needs_both_dates", "").at(i, header(i)));
                None
            }
            (None, None) => None,
        };
        if lease.is_some() && tenant.is_none() {
            let (i, _) = cols.of(Col::Tenant).unwrap_or((0, 1.0));
            probs.push(Problem::error(line, "land.lease_needs_tenant", "").at(i, header(i)));
        }
        let verified = date(Col::Verified, &mut probs);
        let k = (plot.clone(), building.clone(), unit.clone());
        if let Some(first) = seen.get(&k).filter(|_| !plot.is_empty()) {
            let (i, v) = cell(Col::Unit).unwrap_or((0, ""));
            probs.push(
                Problem::error(line, "land.unit_repeated", v)
                    .at(i, header(i))
                    .with_detail(first.to_string()),
            );
        } else if !plot.is_empty() {
            seen.insert(k, line);
        }
        let failed = probs.iter().any(|p| p.severity == Severity::Error);
        out.problems.extend(probs);
        if failed {
            continue;
        }
        out.rows.push(UnitRow {
            line,
            plot,
            building,
            building_type,
            building_area,
            unit,
            floor: text(Col::Floor, &mut Vec::new()),
            area: area.unwrap_or(0.0),
            status: status.unwrap_or(UnitStatus::Vacant),
            rent,
            tenant,
            lease,
            verified,
        });
    }
    out
}

/// The register's header row, for sample sheets and exports.
pub fn headers() -> Vec<String> {
    Col::ALL.iter().map(|c| c.header_zh().to_string()).collect()
}
