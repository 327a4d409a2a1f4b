//! Domain vocabularies: the closed lists that records choose from.
//!
//! Each enum has a stable snake_case id (stored in the database, used in the API and in
//! translation keys: `zone_kind.national_etdz`, …). Adding a variant is a code change on
//! purpose: these lists come from national standards and policy, not from a zone's taste.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.id())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {s}", stringify!($name))))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($id => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.id())
            }
        }

        /// In the OpenAPI document: a string of one of the ids.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|v| v.id())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use vocabulary;

vocabulary!(
    /// What kind of zone a tenant is.
    ZoneKind {
        NationalEtdz = "national_etdz",
        NationalHighTech = "national_high_tech",
        Provincial = "provincial",
        OtherPark = "other_park",
    }
);

vocabulary!(
    /// Ownership of an enterprise (登记注册类型, simplified to the groups zones report on).
    Ownership {
        StateOwned = "state_owned",
        Private = "private",
        ForeignInvested = "foreign_invested",
        HkMacaoTaiwan = "hk_macao_taiwan",
        Collective = "collective",
        Other = "other",
    }
);

vocabulary!(
    /// Qualifications and titles an enterprise can hold for a period.
    QualificationKind {
        HighTech = "high_tech",
        TechSme = "tech_sme",
        InnovativeSme = "innovative_sme",
        SrdiSme = "srdi_sme",
        LittleGiant = "little_giant",
        Listed = "listed",
        MonitoringPoint = "monitoring_point",
    }
);

vocabulary!(
    /// Roles of a user account.
    Role {
        Admin = "admin",
        Officer = "officer",
        Analyst = "analyst",
        Enterprise = "enterprise",
    }
);

vocabulary!(
    /// Where a figure came from.
    FactSource {
        TaxBureau = "tax_bureau",
        StatisticsBureau = "statistics_bureau",
        PowerCompany = "power_company",
        EnvironmentBureau = "environment_bureau",
        SelfReported = "self_reported",
        Officer = "officer",
    }
);

vocabulary!(
    /// Units in which quantities are stored (base units; see DESIGN.md "Units are explicit").
    Unit {
        Yuan = "yuan",
        Usd = "usd",
        SquareMetre = "m2",
        KilowattHour = "kwh",
        TonneCoalEquivalent = "tce",
        Tonne = "t",
        Person = "person",
        Count = "count",
        Flag = "flag",
        Text = "text",
    }
);

impl Role {
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Officer)
    }
}

/// 1 亩 = 10,000/15 m².
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

vocabulary!(
    /// Land-use class of a plot: the main classes of GB/T 21010-2017 that zones hold.
    LandUse {
        Industrial = "industrial",
        Warehousing = "warehousing",
        Commercial = "commercial",
        Residential = "residential",
        PublicService = "public_service",
        Transport = "transport",
        Other = "other",
    }
);

vocabulary!(
    /// How the holder has the land: transferred (出让), allocated (划拨) or leased (租赁).
    Tenure {
        Transferred = "transferred",
        Allocated = "allocated",
        Leased = "leased",
    }
);

vocabulary!(
    /// What a building is for.
    BuildingType {
        StandardFactory = "standard_factory",
        Warehouse = "warehouse",
        RandD = "r_and_d",
        Office = "office",
        Dormitory = "dormitory",
        Other = "other",
    }
);

vocabulary!(
    /// The state of a space unit. Leased and self-used count as occupied; unusable units are
    /// outside the lettable area.
    UnitStatus {
        Vacant = "vacant",
        Reserved = "reserved",
        Leased = "leased",
        SelfUsed = "self_used",
        Unusable = "unusable",
    }
);

vocabulary!(
    /// How an idle or low-efficiency asset is to be revitalised.
    RevitalisationPlan {
        LeaseOut = "lease_out",
        Transfer = "transfer",
        JudicialAuction = "judicial_auction",
        BuyBack = "buy_back",
        Redevelop = "redevelop",
        PlaceProject = "place_project",
    }
);

vocabulary!(
    /// Where a revitalisation case stands.
    CaseStage {
        Identified = "identified",
        Planned = "planned",
        InProgress = "in_progress",
        HandedOver = "handed_over",
        Relet = "relet",
    }
);

vocabulary!(
    /// The funnel of one candidate space for one requirement.
    MatchStage {
        Proposed = "proposed",
        Visited = "visited",
        Offer = "offer",
        Leased = "leased",
        Declined = "declined",
    }
);

vocabulary!(
    /// Environmental category a building admits, from light to heavy (环评类别 as zones use it):
    /// a building that admits a category admits the lighter ones too.
    EnvCategory {
        Light = "light",
        General = "general",
        Heavy = "heavy",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for k in ZoneKind::ALL {
            assert_eq!(ZoneKind::parse(k.id()), Some(*k));
        }
        assert_eq!(
            serde_json::to_string(&Ownership::HkMacaoTaiwan).unwrap(),
            "\"hk_macao_taiwan\""
        );
        assert!(QualificationKind::parse("nope").is_none());
    }
}

vocabulary!(
    /// Where a persisted job (an import commit, …) stands; `cancelled`: stopped at a user's
    /// request before it wrote anything.
    JobState {
        Running = "running",
        Done = "done",
        Failed = "failed",
        Cancelled = "cancelled",
    }
);

vocabulary!(
    /// The kinds of long work kept as jobs.
    JobKind {
        Import = "import",
        ChainSuggestions = "chain_suggestions",
        UnitRegister = "unit_register",
    }
);

vocabulary!(
    /// Where an evaluation run stands: computing in the background, finished, or stopped with
    /// a reason.
    RunStatus {
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
);
