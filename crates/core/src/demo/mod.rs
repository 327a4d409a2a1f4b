//! The deterministic demo dataset (../shared/specs/demo-data.md, copied into docs/).
//!
//! Pure: it produces domain values and leaves storing them to the caller, one enterprise at
//! a time, so that `--enterprises 100000` streams instead of building everything in memory.
//! Same seed, same data: every random draw comes from a SplitMix64 stream seeded by the
//! enterprise's index. Names and codes are synthetic: the names are built from syllables no
//! registered company combines this way, and the codes carry valid check characters.

pub mod appeals;
pub mod chains;
mod enterprises;
pub mod land;
pub mod projects;
mod zones;

pub use enterprises::*;
pub use zones::*;

/// Small, fast, deterministic PRNG (SplitMix64). Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    pub(crate) fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = (self.next_u64() % total as u64) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[0].0
    }
}

/// The three years of facts the demo carries.
pub const YEARS: [i32; 3] = [2022, 2023, 2024];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit_code::CreditCode;
    use crate::reference::{IndustryEdition, divisions, industries};
    use std::collections::HashSet;

    #[test]
    fn zones_reference_real_codes() {
        for z in zones() {
            for (c, _) in z.industries {
                assert!(industries(IndustryEdition::Amended).is_class(c), "{c}");
            }
            for d in z.districts {
                assert!(divisions().get(d).is_some(), "{d}");
            }
            assert!(divisions().get(z.province_code).is_some());
            if let Some(code) = z.gbt37028_code {
                assert_eq!(crate::reference::listed_zone(code).unwrap().name, z.name);
            }
        }
    }

    #[test]
    fn deterministic_valid_and_unique() {
        let zs = zones();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for i in 0..3000 {
            let e = enterprise(i, &zs);
            assert!(CreditCode::parse(e.draft.credit_code.as_str()).is_ok());
            assert!(codes.insert(e.draft.credit_code.clone()));
            assert!(names.insert(e.draft.name.clone()), "{}", e.draft.name);
            assert_eq!(e.facts.len(), 3);
        }
        let a = enterprise(42, &zs);
        let b = enterprise(42, &zs);
        assert_eq!(a.draft, b.draft);
        assert_eq!(a.facts[2].values, b.facts[2].values);
    }
}
