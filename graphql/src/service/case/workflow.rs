//! The cause-for-concern workflow as data: for every move on a case, who may make it, from
//! which steps, to which steps it may lead, and the letters it may send. Pure: no database, so
//! every allowed and refused move is unit-tested below. The transitions load the case, ask
//! `Rule::permit`, change the case, and commit through the unit of work, which checks the step
//! reached against `Rule::to`.
//!
//! The stages and their acting roles are the BSR Cause for Concern Policy, January 2026,
//! Table 1 (England) and Table 2 (Wales); the acting role of a stage is read from the case's
//! versioned policy (`case_stages.actor_role`), so a new policy version changes who acts without
//! changing this table. The two tables move through the same steps; they differ in the
//! regulator, which the policy's mail rules carry.

use entities::enums::CaseStep;

use crate::auth::Role;

/// A move a person or the clock makes on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    /// Stage 1 examination or stage 4 review: case to answer or not (Tables 1-2, stages 1, 4).
    RecordFinding,
    /// Stage 1: the HQIP Associate Director agrees next steps, may omit or shorten stages.
    AgreeNextSteps,
    /// Stage 2: the request to the Lead Clinician.
    SendRequest,
    /// Stage 3: the Lead Clinician's written response.
    SubmitResponse,
    /// Stage 3's limit passed without a response.
    RecordNoResponse,
    /// Stage 5: the telephone call to the Lead Clinician.
    RecordTelephoneCall,
    /// Stage 5: one decider's half of the joint decision, part by part: whom the registry
    /// informs and whom the CEO must inform (Tables 1-2, stage 5; Table 1 footnotes 1-2, Table 2
    /// footnote 6).
    DecideDisclosures,
    /// Stage 5: the written confirmation to the CEO.
    SendConfirmation,
    /// Stage 6 or 7: the CEO acknowledges, confirming a local review.
    Acknowledge,
    /// After the confirmation: the CEO records informing a body as stage 5 decided (Table 1,
    /// stage 5: "for the Provider CEO to inform commissioners, NHS Improvement and relevant royal
    /// colleges").
    RecordProviderDisclosure,
    /// Category 3: the ODEP spine members' review concludes.
    ConcludeImplantReview,
    /// The clock: stage 6's limit passed; stage 7's reminder (Table 1 stage 7, footnote 4).
    Remind,
    /// The clock: stage 7's limit passed; non-compliance is notified (footnote 5).
    NotifyNonCompliance,
    /// The clock: another stage's limit passed; its owner is reminded once.
    FlagOverdue,
}

/// Who may make a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Any of these roles.
    Roles(&'static [Role]),
    /// The role the case's policy names as acting at this stage, held for the case's provider
    /// where it is a provider role.
    StageActor(i32),
    /// The portal's clock, never a person.
    Clock,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: Move,
    pub who: Who,
    /// The steps the case must be at.
    pub from: &'static [CaseStep],
    /// The steps it may be at afterwards (stages omitted by the agreed plan are skipped, so a
    /// move may land further on).
    pub to: &'static [CaseStep],
    /// A declared conflict of interest bars the declarer from this move (NHS Resolution,
    /// *Guidance on the identification and management of significant concerns*, ¶28).
    pub conflict_bars: bool,
    /// The policy's letter events this move may send, by stage.
    pub letters: &'static [(i32, &'static str)],
    /// What the caller was trying to do, for refusals.
    pub to_do: &'static str,
}

/// The two people who decide jointly, at stage 5, whom the registry informs and whom the CEO
/// must inform.
pub const STAGE_5_DECIDERS: [Role; 2] = [Role::HqipAssociateDirector, Role::RegistryClinicalLead];

use CaseStep::*;

/// Where stage 3 leads: the review, or on when the plan omits it.
const AFTER_RESPONSE: &[CaseStep] = &[ReviewingResponse, Confirming];

pub const RULES: &[Rule] = &[
    Rule {
        action: Move::RecordFinding,
        who: Who::StageActor(1),
        from: &[Examining, ReviewingResponse],
        to: &[Closed, AwaitingNextSteps, Confirming],
        conflict_bars: true,
        letters: &[(1, "NEXT_STEPS_REQUESTED"), (4, "NO_CASE_TO_ANSWER")],
        to_do: "record a finding on a case",
    },
    Rule {
        action: Move::AgreeNextSteps,
        who: Who::Roles(&[Role::HqipAssociateDirector]),
        from: &[AwaitingNextSteps],
        to: &[Closed, RequestDue, ReviewingResponse, Confirming],
        conflict_bars: true,
        letters: &[],
        to_do: "agree the next steps of a case",
    },
    Rule {
        action: Move::SendRequest,
        who: Who::StageActor(2),
        from: &[RequestDue],
        to: &[AwaitingResponse, ReviewingResponse, Confirming],
        conflict_bars: true,
        letters: &[(2, "REQUEST_SENT")],
        to_do: "send the stage-2 request",
    },
    Rule {
        action: Move::SubmitResponse,
        who: Who::StageActor(3),
        from: &[AwaitingResponse],
        to: AFTER_RESPONSE,
        conflict_bars: false,
        letters: &[],
        to_do: "submit a response",
    },
    Rule {
        action: Move::RecordNoResponse,
        who: Who::Roles(&[Role::RegistryAnalyst]),
        from: &[AwaitingResponse],
        to: AFTER_RESPONSE,
        conflict_bars: false,
        letters: &[],
        to_do: "record that no response came",
    },
    Rule {
        action: Move::RecordTelephoneCall,
        who: Who::StageActor(5),
        from: &[Confirming],
        to: &[Confirming],
        conflict_bars: false,
        letters: &[],
        to_do: "record the stage-5 telephone call",
    },
    Rule {
        action: Move::DecideDisclosures,
        who: Who::Roles(&STAGE_5_DECIDERS),
        from: &[Confirming],
        to: &[Confirming],
        conflict_bars: true,
        letters: &[],
        to_do: "decide whom stage 5 informs",
    },
    Rule {
        action: Move::SendConfirmation,
        who: Who::StageActor(5),
        from: &[Confirming],
        to: &[AwaitingAcknowledgement],
        conflict_bars: true,
        letters: &[(5, "CONFIRMATION_SENT")],
        to_do: "send the stage-5 confirmation",
    },
    Rule {
        action: Move::Acknowledge,
        who: Who::StageActor(6),
        from: &[AwaitingAcknowledgement, Reminded],
        to: &[Closed],
        conflict_bars: false,
        letters: &[(6, "ACKNOWLEDGED")],
        to_do: "acknowledge the letter",
    },
    Rule {
        action: Move::RecordProviderDisclosure,
        who: Who::StageActor(6),
        from: &[AwaitingAcknowledgement, Reminded, Closed],
        to: &[AwaitingAcknowledgement, Reminded, Closed],
        conflict_bars: false,
        letters: &[],
        to_do: "record informing a body as stage 5 decided",
    },
    Rule {
        action: Move::ConcludeImplantReview,
        who: Who::Roles(&[Role::RegistryAnalyst]),
        from: &[OdepReview],
        to: &[Closed],
        conflict_bars: true,
        letters: &[],
        to_do: "conclude the ODEP review",
    },
    Rule {
        action: Move::Remind,
        who: Who::Clock,
        from: &[AwaitingAcknowledgement],
        to: &[Reminded],
        conflict_bars: false,
        letters: &[(7, "REMINDER_SENT")],
        to_do: "send the stage-7 reminder",
    },
    Rule {
        action: Move::NotifyNonCompliance,
        who: Who::Clock,
        from: &[Reminded],
        to: &[Closed],
        conflict_bars: false,
        letters: &[(7, "NON_COMPLIANCE")],
        to_do: "notify non-compliance",
    },
    Rule {
        action: Move::FlagOverdue,
        who: Who::Clock,
        from: &[
            Examining,
            AwaitingNextSteps,
            RequestDue,
            AwaitingResponse,
            ReviewingResponse,
            Confirming,
        ],
        to: &[
            Examining,
            AwaitingNextSteps,
            RequestDue,
            AwaitingResponse,
            ReviewingResponse,
            Confirming,
        ],
        conflict_bars: false,
        letters: &[],
        to_do: "flag an overdue stage",
    },
];

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may not make this move at all (`FORBIDDEN`).
    NotYours(String),
    /// The case is not at a step the move starts from (`BAD_USER_INPUT`).
    WrongStep,
}

impl Move {
    pub const ALL: [Move; 14] = [
        Move::RecordFinding,
        Move::AgreeNextSteps,
        Move::SendRequest,
        Move::SubmitResponse,
        Move::RecordNoResponse,
        Move::RecordTelephoneCall,
        Move::DecideDisclosures,
        Move::SendConfirmation,
        Move::Acknowledge,
        Move::RecordProviderDisclosure,
        Move::ConcludeImplantReview,
        Move::Remind,
        Move::NotifyNonCompliance,
        Move::FlagOverdue,
    ];

    /// Made by the registry's lead, not by any analyst: the tables name the "NCAPOP supplier
    /// lead" at stages 2 and 5 and the "NCAPOP supplier" elsewhere (BSR Cause for Concern
    /// Policy, January 2026, Tables 1-2, "Who?", stages 2 and 5). The case's lead makes them, or
    /// a REGISTRY_CLINICAL_LEAD in their place.
    pub fn by_the_lead(self) -> bool {
        matches!(
            self,
            Move::SendRequest | Move::RecordTelephoneCall | Move::SendConfirmation
        )
    }

    /// Its row of `RULES` (a test checks every move has exactly one).
    pub fn rule(self) -> &'static Rule {
        RULES.iter().find(|r| r.action == self).unwrap_or(&RULES[0])
    }
}

impl Rule {
    /// Whether an actor may make this move on a case at `step`. `stage_actor` answers the role
    /// the policy names for a stage; `holds` whether the actor holds a role for this case (a
    /// provider role for the case's provider). The clock makes only the clock's moves.
    pub fn permit(
        &self,
        step: CaseStep,
        is_clock: bool,
        stage_actor: impl Fn(i32) -> Option<Role>,
        holds: impl Fn(Role) -> bool,
    ) -> Result<(), Refusal> {
        let roles: Vec<Role> = match self.who {
            Who::Clock if is_clock => Vec::new(),
            Who::Clock => return Err(Refusal::NotYours("Only the portal's clock may".into())),
            _ if is_clock => return Err(Refusal::NotYours("The clock may not".into())),
            Who::Roles(roles) => roles.to_vec(),
            Who::StageActor(stage) => stage_actor(stage).into_iter().collect(),
        };
        if !is_clock && !roles.iter().any(|r| holds(*r)) {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            return Err(Refusal::NotYours(format!(
                "Only {} may",
                names.join(" or ")
            )));
        }
        if !self.from.contains(&step) {
            return Err(Refusal::WrongStep);
        }
        Ok(())
    }

    /// Whether the move may send the policy's `event` letter at `stage`.
    pub fn may_send(&self, stage: i32, event: &str) -> bool {
        self.letters.iter().any(|(s, e)| *s == stage && *e == event)
    }
}

/// The step a stage starts in.
pub fn step_of(stage: i32) -> CaseStep {
    match stage {
        1 => Examining,
        2 => RequestDue,
        3 => AwaitingResponse,
        4 => ReviewingResponse,
        5 => Confirming,
        6 => AwaitingAcknowledgement,
        _ => Reminded,
    }
}

/// The stage a case enters when it moves to `stage`: the next one the agreed plan keeps.
pub fn next_kept_stage(stage: i32, omitted: &std::collections::BTreeSet<i32>) -> i32 {
    let mut stage = stage;
    while omitted.contains(&stage) {
        stage += 1;
    }
    stage
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const ALL_STEPS: [CaseStep; 10] = [
        OdepReview,
        Examining,
        AwaitingNextSteps,
        RequestDue,
        AwaitingResponse,
        ReviewingResponse,
        Confirming,
        AwaitingAcknowledgement,
        Reminded,
        Closed,
    ];

    /// Table 1 and Table 2 name the same acting roles by stage (version 1 of the policy).
    fn table_actor(stage: i32) -> Option<Role> {
        Some(match stage {
            3 => Role::ProviderLeadClinician,
            6 => Role::ProviderCeo,
            _ => Role::RegistryAnalyst,
        })
    }

    #[test]
    fn every_move_has_one_rule() {
        assert_eq!(RULES.len(), Move::ALL.len());
        for action in Move::ALL {
            assert_eq!(
                RULES.iter().filter(|r| r.action == action).count(),
                1,
                "{action:?}"
            );
            assert_eq!(action.rule().action, action);
        }
    }

    /// Every move × every step × every role (and the clock), for both tables: allowed exactly
    /// when the role is the move's and the step one it starts from.
    #[test]
    fn every_allowed_and_refused_move() {
        for (table, actor) in [
            ("England", table_actor as fn(i32) -> Option<Role>),
            ("Wales", table_actor),
        ] {
            for rule in RULES {
                for step in ALL_STEPS {
                    for role in Role::ALL {
                        let result = rule.permit(step, false, actor, |r| r == role);
                        let role_fits = match rule.who {
                            Who::Roles(roles) => roles.contains(&role),
                            Who::StageActor(stage) => actor(stage) == Some(role),
                            Who::Clock => false,
                        };
                        let expected = match (role_fits, rule.from.contains(&step)) {
                            (false, _) => "not yours",
                            (true, false) => "wrong step",
                            (true, true) => "ok",
                        };
                        let got = match result {
                            Err(Refusal::NotYours(_)) => "not yours",
                            Err(Refusal::WrongStep) => "wrong step",
                            Ok(()) => "ok",
                        };
                        assert_eq!(
                            got, expected,
                            "{table}: {:?} by {role:?} at {step:?}",
                            rule.action
                        );
                    }
                    let by_clock = rule.permit(step, true, actor, |_| false);
                    let expected = rule.who == Who::Clock && rule.from.contains(&step);
                    assert_eq!(
                        by_clock.is_ok(),
                        expected,
                        "{table}: {:?} by the clock at {step:?}",
                        rule.action
                    );
                }
            }
        }
    }

    #[test]
    fn a_provider_role_counts_only_for_the_cases_provider() {
        let rule = Move::SubmitResponse.rule();
        let of_another_provider = |_: Role| false;
        assert!(matches!(
            rule.permit(AwaitingResponse, false, table_actor, of_another_provider),
            Err(Refusal::NotYours(m)) if m.contains("PROVIDER_LEAD_CLINICIAN")
        ));
        assert!(
            rule.permit(AwaitingResponse, false, table_actor, |r| r
                == Role::ProviderLeadClinician)
                .is_ok()
        );
    }

    #[test]
    fn a_new_policy_version_changes_who_acts() {
        let rule = Move::SendRequest.rule();
        let version_2 = |_: i32| Some(Role::RegistryClinicalLead);
        assert!(
            rule.permit(RequestDue, false, version_2, |r| r == Role::RegistryAnalyst)
                .is_err()
        );
        assert!(
            rule.permit(RequestDue, false, version_2, |r| r
                == Role::RegistryClinicalLead)
                .is_ok()
        );
    }

    #[test]
    fn omitted_stages_are_skipped_and_every_landing_is_in_the_table() {
        let plans: [&[i32]; 5] = [&[], &[4], &[2, 3], &[3], &[2, 3, 4]];
        for omitted in plans {
            let omitted: BTreeSet<i32> = omitted.iter().copied().collect();
            for (action, entered) in [
                (Move::AgreeNextSteps, 2),
                (Move::SendRequest, 3),
                (Move::SubmitResponse, 4),
                (Move::RecordNoResponse, 4),
            ] {
                let stage = next_kept_stage(entered, &omitted);
                assert!(!omitted.contains(&stage));
                assert!(
                    action.rule().to.contains(&step_of(stage)),
                    "{action:?} with {omitted:?} omitted lands at {:?}",
                    step_of(stage)
                );
            }
        }
        assert_eq!(
            next_kept_stage(2, &[2, 3, 4].into()),
            5,
            "stages 5-7 are never omitted"
        );
    }

    #[test]
    fn letters_belong_to_their_moves() {
        assert!(Move::SendRequest.rule().may_send(2, "REQUEST_SENT"));
        assert!(!Move::SendRequest.rule().may_send(5, "CONFIRMATION_SENT"));
        assert!(Move::Remind.rule().may_send(7, "REMINDER_SENT"));
        assert!(!Move::Acknowledge.rule().may_send(7, "NON_COMPLIANCE"));
    }
}
