//! Business scopes and main products for the demo's enterprises: the class's own trade in the
//! words registers use, and, where a shipped chain node is indicated by the class, one or two
//! of that node's words, so that the suggestions have something true-looking to find.

use crate::chain::shipped;
use crate::chain::taxonomy::Level;
use crate::demo::Rng;
use crate::reference::{IndustryEdition, industries};

const TAIL: &[&str] = &[
    "技术开发、技术咨询、技术服务、技术转让",
    "销售自产产品",
    "货物进出口、技术进出口",
    "软件开发",
    "机械设备租赁",
    "（依法须经批准的项目，经相关部门批准后依批准的内容开展经营活动）",
];

/// (business scope, main products) of demo enterprise `index` of industry class `class`.
pub fn scope(index: usize, class: &str) -> (String, Option<String>) {
    // A stream of its own, so that the rest of the demo stays as it was.
    let mut rng = Rng::new(0x5343_4F50 ^ index as u64);
    let trade = industries(IndustryEdition::Amended)
        .get(class)
        .map(|e| e.name.to_string())
        .unwrap_or_default();
    let nodes: Vec<_> = ["beijing-future", "suzhou-ivd"]
        .iter()
        .filter_map(|id| shipped::get(id))
        .flat_map(|t| t.nodes.iter())
        .filter(|n| n.level == Level::Node && n.industry_codes.iter().any(|c| c == class))
        .collect();
    let mut parts = vec![trade];
    let mut products = None;
    if !nodes.is_empty() && rng.chance(0.7) {
        let n = *rng.pick(&nodes);
        let w = rng.pick(&n.keywords).clone();
        parts.push(format!("{w}的研发、生产与销售"));
        if rng.chance(0.5) && n.keywords.len() > 1 {
            parts.push(format!("{}技术服务", rng.pick(&n.keywords)));
        }
        if rng.chance(0.6) {
            products = n.products.first().cloned();
        }
    }
    for _ in 0..(1 + rng.below(3)) {
        let t = rng.pick(TAIL).to_string();
        if !parts.contains(&t) {
            parts.push(t);
        }
    }
    (parts.join("；"), products)
}
