//! Gap analysis of one chain in one zone: per node, the confirmed enterprises, the leading
//! ones, their summed revenue, tax and employees, their qualifications, and a status — strong,
//! weak or missing — by the zone's thresholds; and the gaps as a list of whom to attract.

use super::taxonomy::{Node, Stream, Taxonomy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A zone's thresholds for node status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Thresholds {
    /// At least this many confirmed enterprises make a node strong…
    pub strong_min_enterprises: u32,
    /// …or one confirmed enterprise with at least this revenue (yuan): a leading firm.
    pub leading_revenue: f64,
    /// Below this many confirmed enterprises (and without a leader) a node is missing.
    pub weak_min_enterprises: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            strong_min_enterprises: 3,
            leading_revenue: 1_000_000_000.0,
            weak_min_enterprises: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Strong,
    Weak,
    Missing,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Strong => "strong",
            Status::Weak => "weak",
            Status::Missing => "missing",
        }
    }
}

/// A confirmed enterprise of a node with its latest figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub enterprise_id: i64,
    pub name: String,
    /// Yuan.
    pub revenue: Option<f64>,
    pub tax: Option<f64>,
    pub employees: Option<f64>,
    /// Qualification ids (high_tech, srdi, little_giant, …).
    pub qualifications: Vec<String>,
    /// Flagged by an officer as a leading enterprise of the node.
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeGap {
    pub node_id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub stream: Option<Stream>,
    pub status: Status,
    pub confirmed: usize,
    pub suggested: usize,
    /// Leading enterprises, largest revenue first: those flagged, and those at or above the
    /// leading revenue.
    pub leaders: Vec<Member>,
    pub revenue: f64,
    pub tax: f64,
    pub employees: f64,
    /// Qualification id → number of members holding it.
    pub qualifications: BTreeMap<String, usize>,
}

/// The nodes of `chain_id` (every node below it), each with its members and the count of
/// suggestions still waiting for review.
pub fn analyse(
    t: &Taxonomy,
    chain_id: &str,
    members: &BTreeMap<String, Vec<Member>>,
    suggested: &BTreeMap<String, usize>,
    th: &Thresholds,
) -> Vec<NodeGap> {
    t.descendants(chain_id)
        .into_iter()
        .map(|n| {
            let ms: &[Member] = members.get(&n.id).map(Vec::as_slice).unwrap_or(&[]);
            let mut leaders: Vec<Member> = ms
                .iter()
                .filter(|m| m.flagged || m.revenue.is_some_and(|r| r >= th.leading_revenue))
                .cloned()
                .collect();
            leaders.sort_by(|a, b| {
                b.revenue
                    .unwrap_or(0.0)
                    .total_cmp(&a.revenue.unwrap_or(0.0))
            });
            let mut qualifications = BTreeMap::new();
            for m in ms {
                for q in &m.qualifications {
                    *qualifications.entry(q.clone()).or_insert(0) += 1;
                }
            }
            let count = ms.len() as u32;
            let status = if count >= th.strong_min_enterprises || !leaders.is_empty() {
                Status::Strong
            } else if count >= th.weak_min_enterprises {
                Status::Weak
            } else {
                Status::Missing
            };
            NodeGap {
                node_id: n.id.clone(),
                name: n.name.clone(),
                stream: n.stream,
                status,
                confirmed: ms.len(),
                suggested: suggested.get(&n.id).copied().unwrap_or(0),
                leaders,
                revenue: ms.iter().filter_map(|m| m.revenue).sum(),
                tax: ms.iter().filter_map(|m| m.tax).sum(),
                employees: ms.iter().filter_map(|m| m.employees).sum(),
                qualifications,
            }
        })
        .collect()
}

/// One line of the target list: a weak or missing node, why it matters (what it supplies in
/// the chain, and what supplies it), and which kind of enterprise to attract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub node_id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub stream: Option<Stream>,
    pub status: Status,
    pub confirmed: usize,
    /// Node names this node supplies.
    pub supplies: Vec<String>,
    /// Node names that supply this node.
    pub supplied_by: Vec<String>,
    pub description: String,
    /// Products and technologies to look for in a prospect.
    pub attract: Vec<String>,
    pub industry_codes: Vec<String>,
}

/// The weak and missing nodes, missing first, upstream to downstream.
pub fn targets(t: &Taxonomy, gaps: &[NodeGap]) -> Vec<Target> {
    let order = |s: Option<Stream>| match s {
        Some(Stream::Upstream) => 0,
        Some(Stream::Midstream) => 1,
        Some(Stream::Downstream) => 2,
        None => 3,
    };
    let mut out: Vec<Target> = gaps
        .iter()
        .filter(|g| g.status != Status::Strong)
        .filter_map(|g| {
            let n: &Node = t.node(&g.node_id)?;
            let supplied_by = t
                .nodes
                .iter()
                .filter(|x| x.supplies.contains(&n.id))
                .map(|x| x.name.clone())
                .collect();
            Some(Target {
                node_id: n.id.clone(),
                name: n.name.clone(),
                stream: n.stream,
                status: g.status,
                confirmed: g.confirmed,
                supplies: n
                    .supplies
                    .iter()
                    .filter_map(|s| t.node(s).map(|x| x.name.clone()))
                    .collect(),
                supplied_by,
                description: n.description.clone(),
                attract: n
                    .products
                    .iter()
                    .chain(&n.technologies)
                    .chain(n.keywords.iter().take(3))
                    .cloned()
                    .collect(),
                industry_codes: n.industry_codes.clone(),
            })
        })
        .collect();
    out.sort_by_key(|x| (x.status != Status::Missing, order(x.stream)));
    out
}
