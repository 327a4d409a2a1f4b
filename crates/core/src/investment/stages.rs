//! The stages of a project and the order they come in. A zone's path is data (which stages it
//! uses and which may not be skipped); the stages themselves are a fixed vocabulary, so every
//! zone's figures mean the same.

use crate::model::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a project stands. `halted` and `moved_out` end a project; the rest follow the
    /// zone's path.
    Stage {
        Lead = "lead",
        Screening = "screening",
        Negotiating = "negotiating",
        Signed = "signed",
        Registered = "registered",
        SiteSecured = "site_secured",
        Started = "started",
        Building = "building",
        Completed = "completed",
        Producing = "producing",
        FullOutput = "full_output",
        Halted = "halted",
        MovedOut = "moved_out",
    }
);

vocabulary!(
    /// The "七个一批" grouping of the stages: 谋划, 洽谈, 签约, 开工, 建设, 投产, 达产.
    StageGroup {
        Planning = "planning",
        Talks = "talks",
        Signing = "signing",
        Starting = "starting",
        Construction = "construction",
        Production = "production",
        FullOutput = "full_output",
    }
);

vocabulary!(
    /// What an officer records on a project besides a stage change: the lead acknowledged
    /// (responded to), a follow-up report (跟踪报告), or any other activity (a visit, a call).
    ActivityKind {
        Acknowledged = "acknowledged",
        Report = "report",
        Other = "activity",
    }
);

impl Stage {
    /// A stage that ends the project.
    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Halted | Stage::MovedOut)
    }

    /// Its group among the 七个一批; none for the two ends.
    pub fn group(self) -> Option<StageGroup> {
        Some(match self {
            Stage::Lead | Stage::Screening => StageGroup::Planning,
            Stage::Negotiating => StageGroup::Talks,
            Stage::Signed | Stage::Registered | Stage::SiteSecured => StageGroup::Signing,
            Stage::Started => StageGroup::Starting,
            Stage::Building | Stage::Completed => StageGroup::Construction,
            Stage::Producing => StageGroup::Production,
            Stage::FullOutput => StageGroup::FullOutput,
            Stage::Halted | Stage::MovedOut => return None,
        })
    }
}

/// One stage of a zone's path, and whether a move may pass it by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PathStage {
    pub stage: Stage,
    pub required: bool,
}

/// The default path: 线索 → 研判 → 在谈 → 签约 → 注册落地 → 供地/租赁 → 开工 → 在建 → 竣工 → 投产 →
/// 达产. Signing, registration, the start of works and production may not be skipped: they
/// are what the success rule and the rates count.
pub fn default_path() -> Vec<PathStage> {
    use Stage::*;
    let required = [Signed, Registered, Started, Producing];
    [
        Lead,
        Screening,
        Negotiating,
        Signed,
        Registered,
        SiteSecured,
        Started,
        Building,
        Completed,
        Producing,
        FullOutput,
    ]
    .into_iter()
    .map(|stage| PathStage {
        stage,
        required: required.contains(&stage),
    })
    .collect()
}

/// Why a stage change is refused (an officer may still record it as an exception, with a
/// reason). Each is a rule id under `project.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// The project is already there.
    Same,
    /// It has ended (halted or moved out).
    Ended,
    /// The target comes before where it is.
    Backwards,
    /// The move passes a stage that may not be skipped: the first of them.
    Skips(Stage),
    /// Moving out needs the enterprise registered first.
    MovedOutUnregistered,
    /// The stage is not on the zone's path.
    NotOnPath,
}

impl MoveRefused {
    pub fn rule(&self) -> &'static str {
        match self {
            MoveRefused::Same => "project.stage_same",
            MoveRefused::Ended => "project.stage_ended",
            MoveRefused::Backwards => "project.stage_backwards",
            MoveRefused::Skips(_) => "project.stage_skips",
            MoveRefused::MovedOutUnregistered => "project.moved_out_unregistered",
            MoveRefused::NotOnPath => "project.stage_not_on_path",
        }
    }
}

/// Checks a move from `from` to `to` on `path`. `registered`: the project reached
/// registration (or a later stage) at some point.
pub fn check_move(
    path: &[PathStage],
    from: Stage,
    to: Stage,
    registered: bool,
) -> Result<(), MoveRefused> {
    if from == to {
        return Err(MoveRefused::Same);
    }
    if from.is_terminal() {
        return Err(MoveRefused::Ended);
    }
    match to {
        Stage::Halted => return Ok(()),
        Stage::MovedOut if registered => return Ok(()),
        Stage::MovedOut => return Err(MoveRefused::MovedOutUnregistered),
        _ => {}
    }
    let at = |s: Stage| path.iter().position(|p| p.stage == s);
    let (Some(i), Some(j)) = (at(from), at(to)) else {
        return Err(MoveRefused::NotOnPath);
    };
    if j < i {
        return Err(MoveRefused::Backwards);
    }
    match path[i + 1..j].iter().find(|p| p.required) {
        Some(p) => Err(MoveRefused::Skips(p.stage)),
        None => Ok(()),
    }
}

/// The position of a stage on a path, for "has it reached …": a later position has passed
/// every earlier stage. The two ends have none.
pub fn position(path: &[PathStage], s: Stage) -> Option<usize> {
    path.iter().position(|p| p.stage == s)
}

/// Checks a zone's path: every stage once, no end stage on it, and the four stages the
/// figures count (signed, registered, started, producing) present and required.
pub fn check_path(path: &[PathStage]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for p in path {
        if p.stage.is_terminal() {
            return Err(format!("{} ends a project and is not on the path", p.stage));
        }
        if !seen.insert(p.stage) {
            return Err(format!("{} is on the path twice", p.stage));
        }
    }
    for s in [
        Stage::Signed,
        Stage::Registered,
        Stage::Started,
        Stage::Producing,
    ] {
        if !path.iter().any(|p| p.stage == s && p.required) {
            return Err(format!("{s} must be on the path and required"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn moves_follow_the_path_and_may_not_skip_what_is_required() {
        let p = default_path();
        assert_eq!(check_move(&p, Negotiating, Signed, false), Ok(()));
        // Optional stages may be passed by: lead straight to talks, registered to started.
        assert_eq!(check_move(&p, Lead, Negotiating, false), Ok(()));
        assert_eq!(check_move(&p, Registered, Started, true), Ok(()));
        // 投产 before 签约.
        assert_eq!(
            check_move(&p, Negotiating, Producing, false),
            Err(MoveRefused::Skips(Signed))
        );
        assert_eq!(
            check_move(&p, Signed, Started, false),
            Err(MoveRefused::Skips(Registered))
        );
        assert_eq!(
            check_move(&p, Started, Signed, true),
            Err(MoveRefused::Backwards)
        );
        assert_eq!(
            check_move(&p, Signed, Signed, false),
            Err(MoveRefused::Same)
        );
        assert_eq!(check_move(&p, Lead, Halted, false), Ok(()));
        assert_eq!(check_move(&p, Halted, Lead, false), Err(MoveRefused::Ended));
        assert_eq!(
            check_move(&p, Signed, MovedOut, false),
            Err(MoveRefused::MovedOutUnregistered)
        );
        assert_eq!(check_move(&p, Producing, MovedOut, true), Ok(()));
        let short: Vec<PathStage> = p.iter().copied().filter(|s| s.stage != Screening).collect();
        assert_eq!(
            check_move(&short, Lead, Screening, false),
            Err(MoveRefused::NotOnPath)
        );
    }

    #[test]
    fn a_path_keeps_the_counted_stages() {
        assert_eq!(check_path(&default_path()), Ok(()));
        let mut p = default_path();
        p.retain(|s| s.stage != Started);
        assert!(check_path(&p).is_err());
        let mut p = default_path();
        p.push(PathStage {
            stage: Lead,
            required: false,
        });
        assert!(check_path(&p).is_err());
    }

    #[test]
    fn every_stage_on_the_path_has_a_group() {
        for s in default_path() {
            assert!(s.stage.group().is_some());
        }
        assert_eq!(Halted.group(), None);
    }
}
