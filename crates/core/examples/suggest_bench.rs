//! Benchmark: rule-based chain suggestions for 100,000 enterprises whose business scopes run
//! 200–500 characters, against every shipped taxonomy. Prints the time and the counts.
//! Run: `cargo run --release -p devzone-core --example suggest_bench`.

use devzone_core::chain::shipped;
use devzone_core::chain::suggest::{Matcher, Subject};
use devzone_core::demo::Rng;
use std::time::Instant;

/// Phrases of ordinary business scopes, to pad around the chain words.
const FILLER: &[&str] = &[
    "技术开发、技术咨询、技术交流、技术转让、技术推广",
    "销售机械设备、电子产品、五金交电",
    "货物进出口、技术进出口",
    "企业管理咨询；会议及展览服务",
    "软件开发；信息系统集成服务",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "租赁建筑工程机械设备；专业设计服务",
    "生产、加工、销售塑料制品",
    "计算机系统服务；数据处理",
];

fn main() {
    let taxonomies = shipped::all();
    let nodes: usize = taxonomies.iter().map(|t| t.nodes.len()).sum();
    let t0 = Instant::now();
    let matchers: Vec<Matcher> = taxonomies.iter().map(Matcher::new).collect();
    let build = t0.elapsed().as_secs_f64() * 1e3;
    // Words that enterprises of the zones would write: every keyword of every taxonomy.
    let words: Vec<&str> = taxonomies
        .iter()
        .flat_map(|t| {
            t.nodes
                .iter()
                .flat_map(|n| n.keywords.iter().map(String::as_str))
        })
        .collect();
    let codes: Vec<&str> = taxonomies
        .iter()
        .flat_map(|t| {
            t.nodes
                .iter()
                .flat_map(|n| n.industry_codes.iter().map(String::as_str))
        })
        .collect();
    let mut rng = Rng::new(42);
    let subjects: Vec<(String, String, String, String)> = (0..100_000)
        .map(|_| {
            let target = 200 + rng.below(301);
            let mut scope = String::new();
            while scope.chars().count() < target {
                if rng.chance(0.25) {
                    scope.push_str(rng.pick::<&str>(&words));
                } else {
                    scope.push_str(rng.pick::<&str>(FILLER));
                }
                scope.push('；');
            }
            let scope: String = scope.chars().take(target).collect();
            let products = if rng.chance(0.5) {
                (*rng.pick(&words)).to_string()
            } else {
                String::new()
            };
            (
                format!(
                    "某某{}科技有限公司",
                    rng.pick(&["智造", "新材", "动力", "生物"])
                ),
                (*rng.pick(&codes)).to_string(),
                scope,
                products,
            )
        })
        .collect();
    let chars: usize = subjects.iter().map(|s| s.2.chars().count()).sum();
    let mut runs = Vec::new();
    let mut total = 0;
    for _ in 0..3 {
        let t = Instant::now();
        total = 0;
        for (i, (name, code, scope, products)) in subjects.iter().enumerate() {
            let s = Subject {
                id: i as i64,
                name,
                industry_code: code,
                business_scope: scope,
                products,
            };
            for m in &matchers {
                total += m.suggest(&s).len();
            }
        }
        runs.push(t.elapsed().as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "{} taxonomies, {nodes} nodes; matchers built in {build:.1} ms",
        taxonomies.len()
    );
    println!(
        "100,000 enterprises ({:.0} scope characters on average): {:.2} s (median of 3), {total} suggestions",
        chars as f64 / 100_000.0,
        runs[1]
    );
}
