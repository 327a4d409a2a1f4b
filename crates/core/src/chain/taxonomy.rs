//! Industry-chain taxonomies as data: TOML files of nodes (area → track → chain → nodes of
//! any depth), each with its place in the chain (upstream, midstream, downstream), what it
//! makes and knows, the words that reveal it in a business scope, the GB/T 4754 classes that
//! indicate it, and the nodes it supplies.
//!
//! The loader refuses, naming the node and its line: a node under two parents, a cycle in the
//! parent hierarchy, a repeated id, a parent that does not exist, an unknown industry class, an
//! empty taxonomy. "Supplies" edges may form cycles: real chains do.

use crate::reference::{IndustryEdition, industries};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

/// Where a node sits in its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Upstream,
    Midstream,
    Downstream,
}

impl Stream {
    pub fn id(self) -> &'static str {
        match self {
            Stream::Upstream => "upstream",
            Stream::Midstream => "midstream",
            Stream::Downstream => "downstream",
        }
    }
}

/// What level a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Area,
    Track,
    Chain,
    Node,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
    pub stream: Option<Stream>,
    pub description: String,
    pub products: Vec<String>,
    pub technologies: Vec<String>,
    pub keywords: Vec<String>,
    pub industry_codes: Vec<String>,
    pub supplies: Vec<String>,
    /// The line of the node's `[[node]]` table in its file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub nodes: Vec<Node>,
    index: HashMap<String, usize>,
}

/// Why a taxonomy file was refused, at which line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct TaxonomyError {
    pub line: Option<usize>,
    /// The rule broken (`chain.two_parents`, `chain.cycle`, …).
    pub rule: &'static str,
    pub message: String,
}

mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub id: String,
        pub name: String,
        pub version: String,
        #[serde(default)]
        pub source: String,
        #[serde(default)]
        pub node: Vec<Spanned<Node>>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Parents {
        One(String),
        Many(Vec<String>),
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Node {
        pub id: String,
        pub name: String,
        pub level: Level,
        pub parent: Option<Parents>,
        pub stream: Option<Stream>,
        #[serde(default)]
        pub description: String,
        #[serde(default)]
        pub products: Vec<String>,
        #[serde(default)]
        pub technologies: Vec<String>,
        #[serde(default)]
        pub keywords: Vec<String>,
        #[serde(default)]
        pub industry_codes: Vec<String>,
        #[serde(default)]
        pub supplies: Vec<String>,
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

impl Taxonomy {
    /// Parses and checks a taxonomy file.
    pub fn parse(source: &str) -> Result<Taxonomy, TaxonomyError> {
        let raw: raw::File = toml::from_str(source).map_err(|e| TaxonomyError {
            line: e.span().map(|s| line_of(source, s.start)),
            rule: "chain.syntax",
            message: e.message().trim().to_string(),
        })?;
        let err = |line: usize, rule: &'static str, message: String| TaxonomyError {
            line: Some(line),
            rule,
            message,
        };
        if raw.node.is_empty() {
            return Err(TaxonomyError {
                line: None,
                rule: "chain.empty",
                message: format!("taxonomy {} has no nodes", raw.id),
            });
        }
        let codes = industries(IndustryEdition::Amended);
        let mut nodes = Vec::with_capacity(raw.node.len());
        let mut index: HashMap<String, usize> = HashMap::new();
        for n in raw.node {
            let line = line_of(source, n.span().start);
            let n = n.into_inner();
            if let Some(&first) = index.get(&n.id) {
                let first: &Node = &nodes[first];
                return Err(err(
                    line,
                    "chain.duplicate_id",
                    format!(
                        "node id {} is used again (first on line {})",
                        n.id, first.line
                    ),
                ));
            }
            let parent = match n.parent {
                None => None,
                Some(raw::Parents::One(p)) => Some(p),
                Some(raw::Parents::Many(ps)) if ps.len() == 1 => ps.into_iter().next(),
                Some(raw::Parents::Many(ps)) => {
                    return Err(err(
                        line,
                        "chain.two_parents",
                        format!(
                            "node {} is placed under {} parents: {}",
                            n.id,
                            ps.len(),
                            ps.join(", ")
                        ),
                    ));
                }
            };
            for c in &n.industry_codes {
                if codes.get(c.as_str()).is_none() {
                    return Err(err(
                        line,
                        "chain.industry_code",
                        format!("node {}: {c} is not a GB/T 4754-2017 class", n.id),
                    ));
                }
            }
            index.insert(n.id.clone(), nodes.len());
            nodes.push(Node {
                id: n.id,
                name: n.name,
                level: n.level,
                parent,
                stream: n.stream,
                description: n.description,
                products: n.products,
                technologies: n.technologies,
                keywords: n.keywords,
                industry_codes: n.industry_codes,
                supplies: n.supplies,
                line,
            });
        }
        for n in &nodes {
            if let Some(p) = &n.parent
                && !index.contains_key(p)
            {
                return Err(err(
                    n.line,
                    "chain.unknown_parent",
                    format!("node {}: parent {p} does not exist", n.id),
                ));
            }
            for s in &n.supplies {
                if !index.contains_key(s) {
                    return Err(err(
                        n.line,
                        "chain.unknown_supplies",
                        format!("node {}: supplies {s}, which does not exist", n.id),
                    ));
                }
            }
        }
        // A cycle in the parent hierarchy: walking up from any node must end at a root.
        for n in &nodes {
            let mut seen = vec![n.id.as_str()];
            let mut at = n;
            while let Some(p) = &at.parent {
                if seen.contains(&p.as_str()) {
                    seen.push(p);
                    return Err(err(
                        n.line,
                        "chain.cycle",
                        format!("the parents of {} go round: {}", n.id, seen.join(" → ")),
                    ));
                }
                seen.push(p);
                at = &nodes[index[p]];
            }
        }
        Ok(Taxonomy {
            id: raw.id,
            name: raw.name,
            version: raw.version,
            source: raw.source,
            nodes,
            index,
        })
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes
            .iter()
            .filter(move |n| n.parent.as_deref() == Some(id))
    }

    /// Every node below `id`, depth first.
    pub fn descendants<'a>(&'a self, id: &'a str) -> Vec<&'a Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.children(id).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            out.push(n);
            let mut kids: Vec<&Node> = self.children(&n.id).collect();
            kids.reverse();
            stack.extend(kids);
        }
        out
    }

    /// Nodes of a level.
    pub fn of_level(&self, level: Level) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.level == level)
    }
}
