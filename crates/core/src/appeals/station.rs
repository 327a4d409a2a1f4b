//! The business-environment monitoring station (营商环境监测站): the enterprises a zone picks
//! as monitoring points (监测点), each of a kind — state-owned, private or foreign-invested —
//! so that the station hears all three. A point is an enterprise holding the
//! `monitoring_point` qualification for the period it serves.

use crate::model::{Ownership, vocabulary};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// The kind of a monitoring point, from the enterprise's ownership.
    PointKind {
        StateOwned = "state_owned",
        Private = "private",
        Foreign = "foreign",
        Other = "other",
    }
);

impl PointKind {
    /// Hong Kong, Macao and Taiwan investment counts as foreign, as in China's statistics.
    pub fn of(o: Ownership) -> Self {
        match o {
            Ownership::StateOwned => PointKind::StateOwned,
            Ownership::Private => PointKind::Private,
            Ownership::ForeignInvested | Ownership::HkMacaoTaiwan => PointKind::Foreign,
            Ownership::Collective | Ownership::Other => PointKind::Other,
        }
    }
}

/// Tianjin Binhai's station: ten points, of each kind (the demo's; the seed's story).
pub const TIANJIN_POINTS: [(PointKind, usize); 3] = [
    (PointKind::StateOwned, 3),
    (PointKind::Private, 4),
    (PointKind::Foreign, 3),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hong_kong_macao_and_taiwan_investment_is_foreign() {
        assert_eq!(PointKind::of(Ownership::HkMacaoTaiwan), PointKind::Foreign);
        assert_eq!(PointKind::of(Ownership::Collective), PointKind::Other);
        assert_eq!(TIANJIN_POINTS.iter().map(|(_, n)| n).sum::<usize>(), 10);
    }
}
