//! Rule-based suggestions of chain nodes for enterprises, each with its evidence.
//!
//! A node's keywords and key products are searched in an enterprise's business scope (经营
//! 范围), main products and name, all at once with one Aho–Corasick automaton over every
//! node's words; its GB/T 4754 classes are compared with the enterprise's class. Each kind of
//! evidence weighs in (a product match counts most), and the confidence is
//! 1 − Π(1 − weight) over the distinct pieces, capped at 0.99. A suggestion needs at least one
//! word found, or an industry class that indicates only a few nodes of the taxonomy: a class
//! shared by many nodes says little on its own.

use super::taxonomy::{Level, Taxonomy};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a word was found, or the industry class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Scope,
    Products,
    Name,
    IndustryCode,
}

impl Source {
    fn weight(self) -> f64 {
        match self {
            Source::Products => 0.5,
            Source::Scope => 0.35,
            Source::Name => 0.3,
            Source::IndustryCode => 0.3,
        }
    }
}

/// One piece of evidence: what matched, and where.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub source: Source,
    /// The word found, or the industry class code.
    pub term: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub enterprise_id: i64,
    pub node_id: String,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
}

/// What the rules read about an enterprise.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    pub id: i64,
    pub name: &'a str,
    pub industry_code: &'a str,
    pub business_scope: &'a str,
    pub products: &'a str,
}

/// Industry classes that indicate more nodes than this say nothing alone.
const CODE_ALONE_MAX_NODES: usize = 3;
/// Suggestions below this confidence are dropped.
pub const MIN_CONFIDENCE: f64 = 0.3;

/// A taxonomy prepared for matching: the automaton over every keyword and product word of
/// its leaf nodes (and of tracks and chains that carry words), and the class index.
pub struct Matcher {
    automaton: AhoCorasick,
    /// Pattern index → (node index, word).
    patterns: Vec<(usize, String)>,
    nodes: Vec<String>,
    by_code: HashMap<String, Vec<usize>>,
}

impl Matcher {
    pub fn new(t: &Taxonomy) -> Matcher {
        let mut patterns = Vec::new();
        let mut nodes = Vec::new();
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for n in t.nodes.iter().filter(|n| n.level != Level::Area) {
            let i = nodes.len();
            nodes.push(n.id.clone());
            for w in n.keywords.iter().chain(&n.products) {
                if w.chars().count() >= 2 && !patterns.iter().any(|(j, x)| *j == i && x == w) {
                    patterns.push((i, w.clone()));
                }
            }
            // Tracks and chains are indicated through their nodes, not by class alone.
            if n.level == Level::Node {
                for c in &n.industry_codes {
                    by_code.entry(c.clone()).or_default().push(i);
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(patterns.iter().map(|(_, w)| w.as_str()))
            .expect("keywords build an automaton");
        Matcher {
            automaton,
            patterns,
            nodes,
            by_code,
        }
    }

    /// The suggestions for one enterprise, best first.
    pub fn suggest(&self, s: &Subject) -> Vec<Suggestion> {
        let mut found: HashMap<usize, Vec<Evidence>> = HashMap::new();
        for (source, text) in [
            (Source::Products, s.products),
            (Source::Scope, s.business_scope),
            (Source::Name, s.name),
        ] {
            if text.is_empty() {
                continue;
            }
            for m in self.automaton.find_overlapping_iter(text) {
                let (node, word) = &self.patterns[m.pattern().as_usize()];
                let ev = Evidence {
                    source,
                    term: word.clone(),
                };
                let list = found.entry(*node).or_default();
                if !list.contains(&ev) {
                    list.push(ev);
                }
            }
        }
        if let Some(nodes) = self.by_code.get(s.industry_code) {
            for &n in nodes {
                if found.contains_key(&n) || nodes.len() <= CODE_ALONE_MAX_NODES {
                    found.entry(n).or_default().push(Evidence {
                        source: Source::IndustryCode,
                        term: s.industry_code.to_string(),
                    });
                }
            }
        }
        let mut out: Vec<Suggestion> = found
            .into_iter()
            .map(|(n, evidence)| {
                let miss: f64 = evidence.iter().map(|e| 1.0 - e.source.weight()).product();
                Suggestion {
                    enterprise_id: s.id,
                    node_id: self.nodes[n].clone(),
                    confidence: ((1.0 - miss) * 100.0).round().min(99.0) / 100.0,
                    evidence,
                }
            })
            .filter(|x| x.confidence >= MIN_CONFIDENCE)
            .collect();
        out.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.node_id.cmp(&b.node_id))
        });
        out
    }
}
