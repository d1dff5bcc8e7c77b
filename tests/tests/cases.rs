//! Cause-for-concern cases end to end over HTTP, with the real dispatcher delivering to a real
//! SMTP listener (BSR Cause for Concern Policy, January 2026, Tables 1 and 2).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use graphql::mail::outbox::{Dispatcher, MailSettings};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::WsClient;
use crate::support::smtp::SmtpSink;
use crate::support::{self, Db, TestApp, error_codes};

on_both_databases!(
    the_case_reach_as_a_predicate_and_as_sql_agree,
    invalid_and_unauthorised_transitions_change_nothing,
    two_people_acting_at_once_one_wins,
    people_on_cases_are_hidden_from_viewers_and_commissioners,
    a_declared_conflict_blocks_decisions_and_the_decision_needs_two_people,
    categories_1_and_2_are_referred_and_implants_go_to_odep,
);

pub const REDIRECT: &str = "redirect@portal.test";
pub const ENGLISH: &str = "ZZ011";
pub const WELSH: &str = "ZZW01";
const CASE: &str = "reference version stage step outcome open dueOn overdue daysRemaining";

pub fn mail_settings(sink: &SmtpSink) -> MailSettings {
    MailSettings {
        smtp_url: sink.url(),
        from: "spinal-portal@portal.test".into(),
        redirect: Some(REDIRECT.into()),
        retry_base: Duration::from_millis(100),
        retry_max: Duration::from_millis(500),
        lease: Duration::from_secs(2),
        smtp_timeout: Duration::from_secs(2),
        batch: 50,
        poll: Duration::from_millis(100),
    }
}

/// The portal with its dispatcher sending to `sink`.
async fn spawn_with_mail(kind: Db, sink: &SmtpSink) -> Option<TestApp> {
    let database = support::migrated_database(kind).await?;
    let mut settings = support::settings(&database.url);
    settings.mail = Some(mail_settings(sink));
    Some(support::spawn_with(database, settings).await)
}

/// People acting on cases. Each has a distinct `sub`.
pub struct People {
    pub analyst: String,
    pub hqip: String,
    pub clinical_lead: String,
    pub admin: String,
}

impl People {
    pub fn new(app: &TestApp) -> People {
        People {
            analyst: app.token_as("analyst", "Registry Analyst", &["REGISTRY_ANALYST"]),
            hqip: app.token_as(
                "hqip-ad",
                "HQIP Associate Director",
                &["HQIP_ASSOCIATE_DIRECTOR"],
            ),
            clinical_lead: app.token_as(
                "registry-cl",
                "Registry Clinical Lead",
                &["REGISTRY_CLINICAL_LEAD"],
            ),
            admin: app.token_as("admin", "Administrator", &["NATIONAL_ADMIN"]),
        }
    }
}

pub fn lead_clinician(app: &TestApp, ods: &str) -> String {
    app.token_as(
        &format!("lc-{ods}"),
        "Lead Clinician",
        &[&format!("PROVIDER_LEAD_CLINICIAN:{ods}")],
    )
}

pub fn ceo(app: &TestApp, ods: &str) -> String {
    app.token_as(
        &format!("ceo-{ods}"),
        "CEO",
        &[&format!("PROVIDER_CEO:{ods}")],
    )
}

/// Runs mutation `name` with `input`; returns the whole response body.
pub async fn act(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {CASE} }} }}");
    app.query_with(token, &query, json!({ "input": input }))
        .await
}

/// Runs mutation `name` and expects success; returns the case.
pub async fn ok(app: &TestApp, token: &str, name: &str, input_type: &str, input: Value) -> Value {
    let body = act(app, token, name, input_type, input).await;
    assert!(body.get("errors").is_none(), "{name} failed: {body}");
    body["data"][name].clone()
}

pub async fn open(app: &TestApp, people: &People, ods: &str, category: i32) -> Value {
    ok(
        app,
        &people.analyst,
        "openCase",
        "OpenCaseInput",
        json!({
            "providerOds": ods,
            "category": category,
            "summary": "Outlier on the 30-day readmission indicator, 2026 Q2.",
            "evidence": [{ "label": "Funnel plot, 2026 Q2", "url": "https://portal.test/indicators/readmission/2026Q2" }]
        }),
    )
    .await
}

/// An English category-4 case whose request for information has gone to the provider (its first
/// letter queued).
pub async fn requested(app: &TestApp, people: &People) -> Value {
    let case = open(app, people, ENGLISH, 4).await;
    let case = find_case_to_answer(app, people, &case).await;
    ok(
        app,
        &people.analyst,
        "sendRequest",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await
}

pub fn step_input(case: &Value, note: Option<&str>) -> Value {
    json!({ "reference": case["reference"], "expectedVersion": case["version"], "note": note })
}

/// The allocated HQIP Associate Director of `People::hqip`.
pub async fn allocate(app: &TestApp, people: &People, case: &Value) -> Value {
    ok(
        app,
        &people.analyst,
        "allocateAssociateDirector",
        "AllocateAssociateDirectorInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "associateDirectorSub": "hqip-ad", "associateDirectorName": "HQIP Associate Director", "associateDirectorEmail": "ad@hqip.test", "reason": "The BSR's allocated AD." }),
    )
    .await
}

/// Every part of the joint stage-5 decision for a case about `ods`: the registry informs the
/// regulator as `inform` says, the CEO (England) informs the commissioners, nothing else.
pub fn all_parts(ods: &str, inform: bool) -> Value {
    let part = |part: &str, inform: bool| json!({ "part": part, "inform": inform, "justification": "Persistent outlier with no engagement." });
    if ods == WELSH {
        json!([
            part("REGISTRY_INFORMS_REGULATOR", inform),
            part("REGISTRY_INFORMS_ROYAL_COLLEGES", false)
        ])
    } else {
        json!([
            part("REGISTRY_INFORMS_REGULATOR", inform),
            part("CEO_INFORMS_COMMISSIONERS", true),
            part("CEO_INFORMS_NHS_IMPROVEMENT", false),
            part("CEO_INFORMS_ROYAL_COLLEGES", false),
        ])
    }
}

pub async fn find_case_to_answer(app: &TestApp, people: &People, case: &Value) -> Value {
    let case = allocate(app, people, case).await;
    let case = ok(
        app,
        &people.analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "CASE_TO_ANSWER", "rationale": "Data complete and valid; the outlier stands." }),
    )
    .await;
    assert_eq!(case["step"], "AWAITING_NEXT_STEPS");
    let case = ok(
        app,
        &people.hqip,
        "agreeNextSteps",
        "AgreeNextStepsInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "escalate": true, "rationale": "Escalate as the table sets out." }),
    )
    .await;
    assert_eq!(case["stage"], 2);
    case
}

/// Moves the server's clock to `at` and runs one pass of the case clock.
pub async fn tick_at(app: &TestApp, at: DateTime<Utc>) -> graphql::service::case::TickReport {
    app.clock.set(at);
    graphql::service::case::tick(&app.state).await.unwrap()
}

/// Noon (UTC) on the day after `date`.
fn day_after(date: &Value) -> DateTime<Utc> {
    let date: chrono::NaiveDate = date.as_str().unwrap().parse().unwrap();
    date.succ_opt()
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
}

/// Opens a case and takes it to stage 6: no response at stage 3, case to answer at 4, call,
/// joint decision `inform`, confirmation.
pub async fn to_stage_6(app: &TestApp, people: &People, ods: &str, inform: bool) -> Value {
    let case = open(app, people, ods, 4).await;
    let case = find_case_to_answer(app, people, &case).await;
    let case = ok(
        app,
        &people.analyst,
        "sendRequest",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(case["stage"], 3);
    // Too early to record no response.
    let early = act(
        app,
        &people.analyst,
        "recordNoResponse",
        "CaseStepInput",
        step_input(&case, Some("None received.")),
    )
    .await;
    assert_eq!(error_codes(&early), ["BAD_USER_INPUT"], "{early}");
    app.clock.set(day_after(&case["dueOn"]));
    let case = ok(
        app,
        &people.analyst,
        "recordNoResponse",
        "CaseStepInput",
        step_input(&case, Some("No response within 25 working days.")),
    )
    .await;
    assert_eq!(case["stage"], 4);
    let case = ok(
        app,
        &people.analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "CASE_TO_ANSWER", "ground": "NO_RESPONSE", "rationale": "No response was received." }),
    )
    .await;
    assert_eq!(case["stage"], 5);
    // The confirmation cannot precede the call.
    let early = act(
        app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(error_codes(&early), ["BAD_USER_INPUT"], "{early}");
    let case = ok(
        app,
        &people.analyst,
        "recordTelephoneCall",
        "CaseStepInput",
        step_input(&case, Some("Spoke to the Lead Clinician.")),
    )
    .await;
    let mut case = case;
    for token in [&people.hqip, &people.clinical_lead] {
        case = ok(
            app,
            token,
            "decideDisclosures",
            "DecideDisclosuresInput",
            json!({ "reference": case["reference"], "expectedVersion": case["version"], "parts": all_parts(ods, inform) }),
        )
        .await;
    }
    let case = ok(
        app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(case["stage"], 6);
    assert_eq!(case["step"], "AWAITING_ACKNOWLEDGEMENT");
    case
}

async fn acknowledge(app: &TestApp, ods: &str, case: &Value) -> Value {
    ok(
        app,
        &ceo(app, ods),
        "acknowledgeConcern",
        "AcknowledgeInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "localReviewConfirmed": true }),
    )
    .await
}

async fn reload(app: &TestApp, people: &People, reference: &Value) -> Value {
    let body = app
        .query_with(
            &people.analyst,
            &format!("query($r: String!) {{ case(reference: $r) {{ {CASE} }} }}"),
            json!({ "r": reference }),
        )
        .await;
    body["data"]["case"].clone()
}

/// `(event, [to parties], [cc parties])` of each letter of a case, oldest first, but those to
/// the allocated HQIP Associate Director (`letters_to_the_associate_director` has them).
async fn letters(
    app: &TestApp,
    people: &People,
    reference: &Value,
) -> Vec<(String, Vec<String>, Vec<String>)> {
    all_letters(app, people, reference)
        .await
        .into_iter()
        .filter(|(_, to, _)| !to.iter().any(|p| p == "HQIP_ASSOCIATE_DIRECTOR"))
        .collect()
}

/// The events of the letters to the allocated HQIP Associate Director, oldest first.
async fn letters_to_the_associate_director(
    app: &TestApp,
    people: &People,
    reference: &Value,
) -> Vec<String> {
    all_letters(app, people, reference)
        .await
        .into_iter()
        .filter(|(_, to, _)| to == &["HQIP_ASSOCIATE_DIRECTOR"])
        .map(|(event, _, _)| event)
        .collect()
}

async fn all_letters(
    app: &TestApp,
    people: &People,
    reference: &Value,
) -> Vec<(String, Vec<String>, Vec<String>)> {
    let body = app
        .query_with(
            &people.analyst,
            "query($r: String!) { case(reference: $r) { correspondence { event recipients { party kind } } } }",
            json!({ "r": reference }),
        )
        .await;
    body["data"]["case"]["correspondence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let parties = |kind: &str| -> Vec<String> {
                l["recipients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["kind"] == kind)
                    .map(|r| r["party"].as_str().unwrap().to_owned())
                    .collect()
            };
            (
                l["event"].as_str().unwrap().to_owned(),
                parties("TO"),
                parties("CC"),
            )
        })
        .collect()
}

fn letter(event: &str, to: &[&str], cc: &[&str]) -> (String, Vec<String>, Vec<String>) {
    (
        event.to_owned(),
        to.iter().map(|s| (*s).to_owned()).collect(),
        cc.iter().map(|s| (*s).to_owned()).collect(),
    )
}

/// Every scenario of the policy's tables for England and for Wales, each letter's recipients exact,
/// and at the end every letter delivered once, to the redirect address only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_sqlite() {
    scenarios(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_postgres() {
    scenarios(Db::Postgres).await
}

async fn scenarios(kind: Db) {
    let sink = SmtpSink::start().await;
    let Some(app) = spawn_with_mail(kind, &sink).await else {
        return;
    };
    let people = People::new(&app);
    for (ods, regulator, others) in [
        (ENGLISH, vec!["CQC"], vec!["WELSH_GOVERNMENT"]),
        (
            WELSH,
            vec!["WELSH_GOVERNMENT"],
            vec!["CQC", "NHS_IMPROVEMENT"],
        ),
    ] {
        let wales = ods == WELSH;
        let mut references = Vec::new();

        // Closed at stage 1: no case to answer, no letters.
        let case = open(&app, &people, ods, 4).await;
        assert_eq!(case["stage"], 1);
        let closed = ok(
            &app,
            &people.analyst,
            "recordFinding",
            "RecordFindingInput",
            json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "NO_CASE_TO_ANSWER", "rationale": "Coding error; data revised." }),
        )
        .await;
        assert_eq!(closed["outcome"], "NO_CASE_TO_ANSWER");
        assert!(letters(&app, &people, &case["reference"]).await.is_empty());
        references.push(case["reference"].clone());

        // Closed at stage 4: the response clears it.
        let case = open(&app, &people, ods, 4).await;
        let case = find_case_to_answer(&app, &people, &case).await;
        let case = ok(
            &app,
            &people.analyst,
            "sendRequest",
            "CaseStepInput",
            step_input(&case, None),
        )
        .await;
        let case = ok(
            &app,
            &lead_clinician(&app, ods),
            "submitResponse",
            "SubmitResponseInput",
            json!({ "reference": case["reference"], "expectedVersion": case["version"], "response": "The cohort was miscoded; corrected data attached in the portal." }),
        )
        .await;
        assert_eq!(case["stage"], 4);
        let case = ok(
            &app,
            &people.analyst,
            "recordFinding",
            "RecordFindingInput",
            json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "NO_CASE_TO_ANSWER", "rationale": "Re-analysis clears it." }),
        )
        .await;
        assert_eq!(case["outcome"], "NO_CASE_TO_ANSWER");
        // The allocated Associate Director: asked for next steps at stage 1, then told of each
        // stage others move the case to, and of the closure.
        assert_eq!(
            letters_to_the_associate_director(&app, &people, &case["reference"]).await,
            [
                "NEXT_STEPS_REQUESTED",
                "PROGRESS_NOTICE",
                "PROGRESS_NOTICE",
                "PROGRESS_NOTICE"
            ],
            "stages 3 and 4 and the closure; not stage 2, which the AD's own agreement began"
        );
        assert_eq!(
            letters(&app, &people, &case["reference"]).await,
            [
                letter(
                    "REQUEST_SENT",
                    &["LEAD_CLINICIAN"],
                    &["CEO", "MEDICAL_DIRECTOR"]
                ),
                letter(
                    "NO_CASE_TO_ANSWER",
                    &["LEAD_CLINICIAN"],
                    &["CEO", "MEDICAL_DIRECTOR"]
                ),
            ]
        );
        references.push(case["reference"].clone());

        // No response at stage 3 → stage 5 (regulator informed) → acknowledged at 6.
        let case = to_stage_6(&app, &people, ods, true).await;
        let case = acknowledge(&app, ods, &case).await;
        assert_eq!(case["outcome"], "ACKNOWLEDGED");
        assert_eq!(
            letters(&app, &people, &case["reference"]).await,
            [
                letter(
                    "REQUEST_SENT",
                    &["LEAD_CLINICIAN"],
                    &["CEO", "MEDICAL_DIRECTOR"]
                ),
                letter(
                    "CONFIRMATION_SENT",
                    &["CEO"],
                    &["LEAD_CLINICIAN", "MEDICAL_DIRECTOR"]
                ),
                letter("CONFIRMATION_SENT", &regulator, &[]),
                letter("ACKNOWLEDGED", &regulator, &[]),
            ]
        );
        references.push(case["reference"].clone());

        // Not acknowledged → reminder at 7 → acknowledged (regulator not informed at stage 5).
        let case = to_stage_6(&app, &people, ods, false).await;
        let report = tick_at(&app, day_after(&case["dueOn"])).await;
        assert_eq!(report.reminded, 1, "{report:?}");
        let case = reload(&app, &people, &case["reference"]).await;
        assert_eq!(case["stage"], 7);
        let case = acknowledge(&app, ods, &case).await;
        assert_eq!(case["outcome"], "ACKNOWLEDGED");
        assert_eq!(
            letters(&app, &people, &case["reference"]).await,
            [
                letter(
                    "REQUEST_SENT",
                    &["LEAD_CLINICIAN"],
                    &["CEO", "MEDICAL_DIRECTOR"]
                ),
                letter(
                    "CONFIRMATION_SENT",
                    &["CEO"],
                    &["LEAD_CLINICIAN", "MEDICAL_DIRECTOR"]
                ),
                letter("REMINDER_SENT", &["CEO"], &regulator),
            ]
        );
        references.push(case["reference"].clone());

        // Not acknowledged → reminder → non-compliance, without a human.
        let case = to_stage_6(&app, &people, ods, true).await;
        tick_at(&app, day_after(&case["dueOn"])).await;
        let reminded = reload(&app, &people, &case["reference"]).await;
        // A second pass the same day does nothing more.
        assert_eq!(tick_at(&app, day_after(&case["dueOn"])).await.reminded, 0);
        let report = tick_at(&app, day_after(&reminded["dueOn"])).await;
        assert_eq!(report.non_compliant, 1, "{report:?}");
        let case = reload(&app, &people, &case["reference"]).await;
        assert_eq!(case["outcome"], "NON_COMPLIANT");
        assert_eq!(case["open"], false);
        let notice: &[&str] = if wales {
            &["WELSH_GOVERNMENT"]
        } else {
            &["CQC", "NHS_IMPROVEMENT"]
        };
        assert_eq!(
            letters(&app, &people, &case["reference"]).await,
            [
                letter(
                    "REQUEST_SENT",
                    &["LEAD_CLINICIAN"],
                    &["CEO", "MEDICAL_DIRECTOR"]
                ),
                letter(
                    "CONFIRMATION_SENT",
                    &["CEO"],
                    &["LEAD_CLINICIAN", "MEDICAL_DIRECTOR"]
                ),
                letter("CONFIRMATION_SENT", &regulator, &[]),
                letter("REMINDER_SENT", &["CEO"], &regulator),
                letter("NON_COMPLIANCE", notice, &[]),
            ]
        );
        references.push(case["reference"].clone());

        // A Welsh case never mails the CQC or NHS Improvement, an English one never the Welsh
        // Government.
        for reference in &references {
            for (_, to, cc) in letters(&app, &people, reference).await {
                for party in to.iter().chain(&cc) {
                    assert!(!others.contains(&party.as_str()), "{reference}: {party}");
                }
            }
        }
    }

    // Every letter arrives once, at the redirect address only, naming its real addressees in
    // headers.
    let outbox: Vec<(String, i64)> = {
        use sea_orm::{EntityTrait, QueryOrder};
        entities::mail_outbox::Entity::find()
            .order_by_asc(entities::mail_outbox::Column::Id)
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.message_id, i64::from(l.attempts)))
            .collect()
    };
    let received = sink.wait_for(outbox.len(), Duration::from_secs(30)).await;
    assert_eq!(received.len(), outbox.len());
    let ids: BTreeSet<String> = received.iter().map(|m| m.message_id().unwrap()).collect();
    assert_eq!(ids.len(), received.len(), "a letter arrived twice");
    assert_eq!(ids, outbox.iter().map(|(id, _)| id.clone()).collect());
    for mail in &received {
        assert_eq!(
            mail.rcpt,
            [REDIRECT],
            "outside production only the redirect receives mail"
        );
        let original = mail.header("X-Portal-Original-To").unwrap();
        assert!(!original.is_empty());
        assert!(!mail.data.contains("(synthetic)"), "no names in letters");
    }
    let cqc: Vec<_> = received
        .iter()
        .filter(|m| {
            m.header("X-Portal-Original-To")
                .unwrap_or_default()
                .contains("clinicalaudits@cqc.org.uk")
                || m.header("X-Portal-Original-Cc")
                    .unwrap_or_default()
                    .contains("clinicalaudits@cqc.org.uk")
        })
        .collect();
    assert!(!cqc.is_empty() && cqc.iter().all(|m| m.rcpt == [REDIRECT]));
}

async fn invalid_and_unauthorised_transitions_change_nothing(app: TestApp) {
    let people = People::new(&app);
    let case = open(&app, &people, ENGLISH, 4).await;
    // Out of order: the request before stage 1 ends.
    let body = act(
        &app,
        &people.analyst,
        "sendRequest",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at stage 1")
    );
    // Roles that may not act.
    for grants in [
        vec!["NETWORK_MANAGER:WESSEX"],
        vec!["NATIONAL_VIEWER"],
        vec!["HQIP_ASSOCIATE_DIRECTOR"],
        vec!["PROVIDER_CEO:ZZ011"],
    ] {
        let body = act(
            &app,
            &app.token(&grants),
            "recordFinding",
            "RecordFindingInput",
            json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "NO_CASE_TO_ANSWER", "rationale": "x" }),
        )
        .await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{grants:?}: {body}");
    }
    let case = find_case_to_answer(&app, &people, &case).await;
    // Stage 2 is the registry lead's: another analyst may not send the request.
    let another = app.token_as("analyst-2", "Another Analyst", &["REGISTRY_ANALYST"]);
    let body = act(
        &app,
        &another,
        "sendRequest",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("case's lead or a REGISTRY_CLINICAL_LEAD")
    );
    // The registry's clinical lead may, in the lead's place.
    let case = ok(
        &app,
        &people.clinical_lead,
        "sendRequest",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    // Another provider's Lead Clinician cannot see the case at all.
    let body = act(
        &app,
        &lead_clinician(&app, "ZZ021"),
        "submitResponse",
        "SubmitResponseInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "response": "x" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    // The provider's submitter sees the provider but is not its Lead Clinician.
    let body = act(
        &app,
        &app.token(&["PROVIDER_SUBMITTER:ZZ011"]),
        "submitResponse",
        "SubmitResponseInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "response": "x" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    // Bad input.
    let body = act(
        &app,
        &lead_clinician(&app, ENGLISH),
        "submitResponse",
        "SubmitResponseInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "response": "  " }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let after = reload(&app, &people, &case["reference"]).await;
    assert_eq!(after["version"], case["version"], "nothing changed");
    assert_eq!(after["stage"], 3);
    assert_eq!(letters(&app, &people, &case["reference"]).await.len(), 1);
    // A provider without contacts: the request would have no addressee, so nothing happens.
    let orphan = open(&app, &people, "ZZ012", 4).await;
    let orphan = find_case_to_answer(&app, &people, &orphan).await;
    let body = act(
        &app,
        &people.analyst,
        "sendRequest",
        "CaseStepInput",
        step_input(&orphan, None),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("setProviderContacts")
    );
    assert_eq!(
        reload(&app, &people, &orphan["reference"]).await["version"],
        orphan["version"]
    );
}

async fn two_people_acting_at_once_one_wins(app: TestApp) {
    let people = People::new(&app);
    let case = open(&app, &people, ENGLISH, 4).await;
    let case = find_case_to_answer(&app, &people, &case).await;
    let input = step_input(&case, None);
    let (a, b) = tokio::join!(
        act(
            &app,
            &people.analyst,
            "sendRequest",
            "CaseStepInput",
            input.clone()
        ),
        act(
            &app,
            &people.analyst,
            "sendRequest",
            "CaseStepInput",
            input.clone()
        ),
    );
    let mut codes: Vec<Vec<String>> = vec![error_codes(&a), error_codes(&b)];
    codes.sort();
    assert_eq!(codes, [vec![], vec!["CONFLICT".to_owned()]], "{a}\n{b}");
    assert_eq!(
        letters(&app, &people, &case["reference"]).await.len(),
        1,
        "one request only"
    );
    let after = reload(&app, &people, &case["reference"]).await;
    assert_eq!(after["version"], case["version"].as_i64().unwrap() + 1);
}

/// `ENGLISH`'s network, an ICB in its footprint and one outside it.
pub async fn around_english_provider(app: &TestApp) -> (String, String, String) {
    let body = app
        .admin(
            "query($ods: String!) { provider(odsCode: $ods) { network { code footprint { icb { code } } } } icbs(first: 100) { nodes { code } } }",
            json!({ "ods": ENGLISH }),
        )
        .await;
    let network = body["provider"]["network"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let inside: BTreeSet<String> = body["provider"]["network"]["footprint"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["icb"]["code"].as_str().unwrap().to_owned())
        .collect();
    let outside = body["icbs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap().to_owned())
        .find(|c| !inside.contains(c))
        .unwrap();
    (network, inside.into_iter().next().unwrap(), outside)
}

async fn people_on_cases_are_hidden_from_viewers_and_commissioners(app: TestApp) {
    let people = People::new(&app);
    let (network, inside_icb, outside_icb) = around_english_provider(&app).await;
    let commissioner = app.token(&[&format!("ICB_COMMISSIONER:{inside_icb}")]);
    let stranger = app.token(&[&format!("ICB_COMMISSIONER:{outside_icb}")]);
    let integration = app.token(&[&format!("INTEGRATION:network={network}")]);
    let viewer = app.token(&["NATIONAL_VIEWER"]);
    let read = "query($r: String!) { case(reference: $r) { reference lead { name } history { action actor { name } } correspondence { parties recipients { address } } } cases { totalCount } }";

    let case = open(&app, &people, ENGLISH, 4).await;
    let r = json!({ "r": case["reference"] });
    let medical_director = app.token(&[&format!("PROVIDER_MEDICAL_DIRECTOR:{ENGLISH}")]);
    // Before stage 5: commissioners and scoped integrations see nothing; before the copy of
    // stage 2, nor does the provider's Medical Director.
    for token in [&commissioner, &stranger, &integration, &medical_director] {
        let body = app.query_with(token, read, r.clone()).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
        assert_eq!(body["data"]["cases"]["totalCount"], 0);
    }
    // The national viewer sees the case but no named individual.
    let body = app.query_with(&viewer, read, r.clone()).await;
    assert_eq!(body["data"]["case"]["reference"], case["reference"]);
    assert!(body["data"]["case"]["lead"].is_null());
    assert!(error_codes(&body).iter().all(|c| c == "FORBIDDEN") && !error_codes(&body).is_empty());

    // Stage 6, the CEO told to inform the commissioners but not yet done: still nothing.
    let case = to_stage_6(&app, &people, ENGLISH, true).await;
    let r = json!({ "r": case["reference"] });
    for token in [&commissioner, &stranger, &integration] {
        let body = app.query_with(token, read, r.clone()).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
        assert_eq!(body["data"]["cases"]["totalCount"], 0);
    }
    // Once the CEO records informing them, the commissioner inside the footprint and the
    // network's integration see it, without people.
    let case = ok(
        &app,
        &ceo(&app, ENGLISH),
        "recordProviderDisclosure",
        "RecordProviderDisclosureInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "part": "CEO_INFORMS_COMMISSIONERS", "justification": "Told the ICB's quality lead at the contract meeting." }),
    )
    .await;
    for token in [&commissioner, &integration] {
        let body = app.query_with(token, read, r.clone()).await;
        assert_eq!(
            body["data"]["case"]["reference"], case["reference"],
            "{body}"
        );
        assert!(body["data"]["case"]["lead"].is_null());
        assert!(body["data"]["case"]["history"][0]["actor"].is_null());
        assert!(body["data"]["case"]["correspondence"][0]["recipients"].is_null());
        assert_eq!(
            body["data"]["case"]["correspondence"][1]["parties"][0], "LEAD_CLINICIAN",
            "the stage-2 request, after the AD's request for next steps"
        );
        assert!(error_codes(&body).iter().all(|c| c == "FORBIDDEN"));
        assert_eq!(
            body["data"]["cases"]["totalCount"], 1,
            "only the stage-6 case"
        );
        let export = app
            .query_with(
                token,
                "query($r: String!) { case(reference: $r) { export(format: JSON) } }",
                r.clone(),
            )
            .await;
        let text = export["data"]["case"]["export"].as_str().unwrap();
        assert!(
            !text.contains("Registry Analyst") && !text.contains("@example.org"),
            "{text}"
        );
    }
    let body = app.query_with(&stranger, read, r.clone()).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"]);
    assert_eq!(body["data"]["cases"]["totalCount"], 0);
    // The Medical Director, copied since stage 2, reads what the CEO reads.
    let body = app.query_with(&medical_director, read, r.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["case"]["lead"]["name"], "Registry Analyst");
    // The registry sees everyone.
    let body = app.query_with(&people.analyst, read, r.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["case"]["lead"]["name"], "Registry Analyst");
    let csv = app
        .query_with(
            &people.analyst,
            "query($r: String!) { case(reference: $r) { export(format: CSV) } }",
            r,
        )
        .await;
    let csv = csv["data"]["case"]["export"].as_str().unwrap();
    assert!(csv.starts_with("at,actor,action,"));
    assert!(csv.contains("CONFIRMATION_SENT"));
}

async fn a_declared_conflict_blocks_decisions_and_the_decision_needs_two_people(app: TestApp) {
    let people = People::new(&app);
    let both = app.token_as(
        "both",
        "Holder Of Both Roles",
        &["HQIP_ASSOCIATE_DIRECTOR", "REGISTRY_CLINICAL_LEAD"],
    );
    let case = requested(&app, &people).await;
    let case = ok(
        &app,
        &lead_clinician(&app, ENGLISH),
        "submitResponse",
        "SubmitResponseInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "response": "We disagree." }),
    )
    .await;
    let case = ok(
        &app,
        &people.analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "CASE_TO_ANSWER", "ground": "STILL_A_CONCERN", "rationale": "Still an outlier." }),
    )
    .await;
    let case = ok(
        &app,
        &people.analyst,
        "recordTelephoneCall",
        "CaseStepInput",
        step_input(&case, Some("Called.")),
    )
    .await;
    // One person fills one half only: the registry clinical lead's, as the case's AD is
    // another person.
    let body = decide(&app, &both, &case).await;
    assert!(body.get("errors").is_none(), "{body}");
    let case = body["data"]["decideDisclosures"].clone();
    let body = decide(&app, &both, &case).await;
    assert!(
        body.get("errors").is_none(),
        "re-deciding replaces their own half: {body}"
    );
    let case = body["data"]["decideDisclosures"].clone();
    let body = act(
        &app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "one half is not a joint decision: {body}"
    );
    // The registry clinical lead declares a conflict: their decision is refused.
    let body = app
        .query_with(
            &people.clinical_lead,
            "mutation($i: DeclareConflictInput!) { declareConflict(input: $i) { reference } }",
            json!({ "i": { "reference": case["reference"], "statement": "I trained at this provider." } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let body = decide(&app, &people.clinical_lead, &case).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // A second registry clinical lead cannot take the half the first already holds...
    let other_lead = app.token_as(
        "registry-cl-2",
        "Second Clinical Lead",
        &["REGISTRY_CLINICAL_LEAD"],
    );
    let body = decide(&app, &other_lead, &case).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    // ...and the allocated AD takes the other.
    let body = decide(&app, &people.hqip, &case).await;
    assert!(body.get("errors").is_none(), "{body}");
    let case = body["data"]["decideDisclosures"].clone();
    let case = ok(
        &app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(case["stage"], 6);
    let body = app
        .query_with(
            &people.analyst,
            "query($r: String!) { case(reference: $r) { regulatorInformed conflicts { user { name } statement } correspondence { event justification } } }",
            json!({ "r": case["reference"] }),
        )
        .await;
    let data = &body["data"]["case"];
    assert_eq!(data["regulatorInformed"], true);
    assert_eq!(
        data["conflicts"][0]["user"]["name"],
        "Registry Clinical Lead"
    );
    let disclosure = data["correspondence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["justification"].is_string())
        .unwrap();
    assert!(
        disclosure["justification"]
            .as_str()
            .unwrap()
            .contains("footnote 1"),
        "{disclosure}"
    );
    // Agreed actions: owner, due date, updates, closing confirmation.
    let body = app
        .query_with(
            &people.analyst,
            "mutation($i: AddCaseActionInput!) { addCaseAction(input: $i) { id ownerName dueOn } }",
            json!({ "i": { "reference": case["reference"], "description": "Re-audit the cohort", "ownerName": "Registry Analyst", "dueOn": "2027-01-29" } }),
        )
        .await;
    let id = body["data"]["addCaseAction"]["id"].clone();
    for close in [false, true] {
        let body = app
            .query_with(
                &people.analyst,
                "mutation($i: UpdateCaseActionInput!) { updateCaseAction(input: $i) { updates { note } closingConfirmation } }",
                json!({ "i": { "actionId": id, "note": if close { "Done: re-audit complete." } else { "Half done." }, "close": close } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

async fn categories_1_and_2_are_referred_and_implants_go_to_odep(app: TestApp) {
    let people = People::new(&app);
    for category in [1, 2] {
        let case = open(&app, &people, ENGLISH, category).await;
        assert_eq!(case["outcome"], "REFERRED_TO_TRUST");
        assert_eq!(case["open"], false);
    }
    let implant = json!({ "implant": "Acme pedicle screw, model X", "category": 3, "summary": "Revision rate above expected." });
    let body = act(
        &app,
        &people.analyst,
        "openCase",
        "OpenCaseInput",
        implant.clone(),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "ODEP has no address yet: {body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("setRecipientAddress")
    );
    let cases = app
        .query_with(&people.analyst, "{ cases { totalCount } }", json!({}))
        .await;
    assert_eq!(
        cases["data"]["cases"]["totalCount"], 2,
        "the refused case left nothing behind"
    );
    for (key, email) in [
        ("ODEP", "odep.spine@example.org"),
        ("MHRA", "devices@example.org"),
    ] {
        let body = app
            .query_with(
                &people.admin,
                "mutation($i: SetRecipientAddressInput!) { setRecipientAddress(input: $i) { key } }",
                json!({ "i": { "key": key, "email": email, "reason": "Addresses agreed with the bodies." } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let case = ok(&app, &people.analyst, "openCase", "OpenCaseInput", implant).await;
    assert_eq!(case["step"], "ODEP_REVIEW");
    let case = ok(
        &app,
        &people.analyst,
        "concludeImplantReview",
        "ConcludeImplantReviewInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "confirmedGenuine": true, "rationale": "ODEP confirmed." }),
    )
    .await;
    assert_eq!(case["outcome"], "MHRA_INFORMED");
    assert_eq!(
        letters(&app, &people, &case["reference"]).await,
        [
            letter("ODEP_REPORT", &["ODEP"], &[]),
            letter("MHRA_INFORMED", &["MHRA"], &[])
        ]
    );
}

on_both_databases!(mail_waits_for_the_smtp_server_and_arrives_once);

async fn mail_waits_for_the_smtp_server_and_arrives_once(app: TestApp) {
    let sink = SmtpSink::start().await;
    sink.down().await;
    let dispatcher = Dispatcher::new(&app.state, mail_settings(&sink)).unwrap();
    let running = tokio::spawn(dispatcher.run(app.state.outbox.clone()));
    let people = People::new(&app);
    let case = requested(&app, &people).await;
    // The server is down: the letter waits, with its error, and is retried.
    let failing = async {
        loop {
            let body = app
                .query_with(
                    &people.analyst,
                    "query($r: String!) { case(reference: $r) { correspondence { state attempts lastError } } }",
                    json!({ "r": case["reference"] }),
                )
                .await;
            let letter = body["data"]["case"]["correspondence"][0].clone();
            if letter["attempts"].as_i64().unwrap() >= 2 {
                return letter;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let letter = tokio::time::timeout(Duration::from_secs(20), failing)
        .await
        .unwrap();
    assert_eq!(letter["state"], "PENDING");
    assert!(letter["lastError"].is_string());
    sink.up().await;
    // The request, and the Associate Director's request for next steps and the notice of
    // stage 3.
    let written = all_letters(&app, &people, &case["reference"]).await.len();
    assert_eq!(written, 3);
    let received = sink.wait_for(written, Duration::from_secs(20)).await;
    assert_eq!(received.len(), written);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), written, "delivered once");
    running.abort();
}

on_both_databases!(a_dispatcher_killed_mid_batch_sends_no_duplicate);

async fn a_dispatcher_killed_mid_batch_sends_no_duplicate(app: TestApp) {
    let sink = SmtpSink::start().await;
    let people = People::new(&app);
    for _ in 0..3 {
        let case = open(&app, &people, ENGLISH, 4).await;
        let case = find_case_to_answer(&app, &people, &case).await;
        ok(
            &app,
            &people.analyst,
            "sendRequest",
            "CaseStepInput",
            step_input(&case, None),
        )
        .await;
    }
    sink.hold(true);
    let wake = Arc::new(tokio::sync::Notify::new());
    let first = Dispatcher::new(&app.state, mail_settings(&sink)).unwrap();
    let running = tokio::spawn(first.run(wake.clone()));
    tokio::time::timeout(Duration::from_secs(10), async {
        while sink.held() == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    // Killed while the first letter is in flight: the server never accepted it.
    running.abort();
    let _ = running.await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while sink.held() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    sink.hold(false);
    assert!(sink.received().is_empty());
    // Restarted: it waits out the dead dispatcher's lease, then sends each letter once.
    let second = Dispatcher::new(&app.state, mail_settings(&sink)).unwrap();
    let running = tokio::spawn(second.run(wake));
    let written = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entities::mail_outbox::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap() as usize
    };
    assert_eq!(written, 9, "3 letters for each of 3 cases");
    let received = sink.wait_for(written, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received_now = sink.received();
    assert_eq!(received_now.len(), written, "{received:?}");
    let ids: BTreeSet<_> = received_now
        .iter()
        .map(|m| m.message_id().unwrap())
        .collect();
    assert_eq!(ids.len(), written, "no duplicate");
    running.abort();
}

const CASE_CHANGED: &str =
    "subscription { caseChanged { kind reference providerOds fromStage toStage dueOn at } }";

on_both_databases!(case_events_reach_only_subscribers_in_scope);

async fn case_events_reach_only_subscribers_in_scope(app: TestApp) {
    let people = People::new(&app);
    let (_, inside_icb, outside_icb) = around_english_provider(&app).await;
    let mut registry = WsClient::subscribe(&app, &people.analyst, CASE_CHANGED).await;
    let mut commissioner = WsClient::subscribe(
        &app,
        &app.token(&[&format!("ICB_COMMISSIONER:{inside_icb}")]),
        CASE_CHANGED,
    )
    .await;
    let mut stranger = WsClient::subscribe(
        &app,
        &app.token(&[&format!("ICB_COMMISSIONER:{outside_icb}")]),
        CASE_CHANGED,
    )
    .await;
    let case = to_stage_6(&app, &people, ENGLISH, false).await;

    let all = registry.events(Duration::from_secs(3)).await;
    let kinds: Vec<_> = all
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "OPENED",
            "NEXT_STEPS_REQUESTED",
            "STAGE_CHANGED",
            "STAGE_CHANGED",
            "STAGE_CHANGED",
            "STAGE_CHANGED",
            "STAGE_CHANGED"
        ],
        "opened at 1, the AD asked, then 2, 3, 4, 5, 6: {all:?}"
    );
    assert!(all.iter().all(|e| e["reference"] == case["reference"]));
    let seen = commissioner.events(Duration::from_secs(1)).await;
    assert!(seen.is_empty(), "nothing before the CEO informs: {seen:?}");
    // The CEO records informing the commissioners: from then on they hear of the case.
    ok(
        &app,
        &ceo(&app, ENGLISH),
        "recordProviderDisclosure",
        "RecordProviderDisclosureInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "part": "CEO_INFORMS_COMMISSIONERS", "justification": "Informed the ICB's quality lead by letter on 30 December." }),
    )
    .await;
    let seen = commissioner.events(Duration::from_secs(2)).await;
    let kinds: Vec<_> = seen.iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, ["COMMISSIONERS_INFORMED"], "{seen:?}");
    assert!(stranger.events(Duration::from_secs(1)).await.is_empty());
}

on_both_databases!(a_clock_pass_in_another_process_reaches_subscribers_once);

/// `portal tick` in a process of its own moves a case: the serving process's subscribers hear of
/// it once, on SQLite through the event relay as on PostgreSQL through NOTIFY.
async fn a_clock_pass_in_another_process_reaches_subscribers_once(app: TestApp) {
    let people = People::new(&app);
    let case = to_stage_6(&app, &people, ENGLISH, false).await;
    let mut registry = WsClient::subscribe(&app, &people.analyst, CASE_CHANGED).await;
    let summary = crate::support::process::tick(
        env!("CARGO_BIN_EXE_portal-test-child"),
        &app.database_url,
        day_after(&case["dueOn"]),
    )
    .await;
    assert!(summary.contains("1 reminded"), "{summary}");
    let events = registry.events(Duration::from_secs(2)).await;
    let moves: Vec<_> = events
        .iter()
        .map(|e| (e["kind"].clone(), e["toStage"].clone()))
        .collect();
    assert_eq!(moves, [(json!("STAGE_CHANGED"), json!(7))], "{events:?}");
    assert_eq!(reload(&app, &people, &case["reference"]).await["stage"], 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_on_one_instance_reaches_a_subscriber_on_another_exactly_once() {
    let Some(a) = support::spawn(Db::Postgres).await else {
        return;
    };
    let b = support::spawn_another_instance(&a).await;
    let people = People::new(&a);
    let mut on_b = WsClient::subscribe(
        &b,
        &b.token_as("integration", "Integration", &["INTEGRATION"]),
        CASE_CHANGED,
    )
    .await;
    let case = open(&a, &people, ENGLISH, 4).await;
    let events = on_b.events(Duration::from_secs(2)).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["reference"], case["reference"]);
    assert_eq!(events[0]["kind"], "OPENED");
}

async fn decide(app: &TestApp, token: &str, case: &Value) -> Value {
    act(
        app,
        token,
        "decideDisclosures",
        "DecideDisclosuresInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "parts": all_parts(ENGLISH, true) }),
    )
    .await
}

/// Who reaches a case is defined once, as a predicate (single cases, subscriptions) and as SQL
/// (lists and counts): for every role and scope they pick the same cases, at every stage.
async fn the_case_reach_as_a_predicate_and_as_sql_agree(app: TestApp) {
    use entities::case;
    use graphql::auth::scope::Scope;
    use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

    let people = People::new(&app);
    for ods in [ENGLISH, "ZZ012", "ZZ021", WELSH] {
        open(&app, &people, ods, 4).await;
    }
    // Half the cases have reached stage 5, where commissioners start to see them.
    app.state
        .db
        .execute_unprepared("UPDATE cases SET reached_stage = 5 WHERE id % 2 = 0")
        .await
        .unwrap();
    let all = case::Entity::find().all(&app.state.db).await.unwrap();
    let map = app.state.org_map_today().await.unwrap();
    let mut partial = 0;
    for grants in [
        "NATIONAL_VIEWER",
        "REGISTRY_ANALYST",
        "HQIP_ASSOCIATE_DIRECTOR",
        "PROVIDER_CEO:ZZ011",
        "PROVIDER_LEAD_CLINICIAN:ZZ012",
        "PROVIDER_MEDICAL_DIRECTOR:ZZ011",
        "PROVIDER_SUBMITTER:ZZ011",
        "ICB_COMMISSIONER:QJ2",
        "INTEGRATION:network=EM",
        "INTEGRATION:icb=QJ2",
        "NETWORK_MANAGER:EM",
        "REGIONAL_LEAD:Y60",
    ] {
        let viewer = graphql::auth::Viewer {
            sub: "reach".into(),
            name: "Reach".into(),
            email: None,
            grants: vec![graphql::auth::token::parse_grant(grants).unwrap()],
        };
        let reach = Scope::resolve(&viewer, &map).cases;
        let by_predicate: BTreeSet<i32> = all
            .iter()
            .filter(|c| {
                reach
                    .access(
                        c.provider_ods.as_deref(),
                        c.reached_stage,
                        c.commissioners_informed_at.is_some(),
                    )
                    .is_some()
            })
            .map(|c| c.id)
            .collect();
        let by_sql: BTreeSet<i32> = match reach.condition() {
            Some(condition) => case::Entity::find()
                .filter(condition)
                .all(&app.state.db)
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect(),
            None => BTreeSet::new(),
        };
        assert_eq!(by_predicate, by_sql, "{grants}");
        partial += usize::from(!by_sql.is_empty() && by_sql.len() < all.len());
    }
    assert!(
        partial >= 2,
        "the matrix must include callers who reach some cases but not all"
    );

    // Paged in SQL, newest first: pages follow each other without overlap, counting them all.
    let page = |after: Option<String>| {
        let app = &app;
        async move {
            app.admin(
                "query($after: String) { cases(first: 3, after: $after) { totalCount pageInfo { hasNextPage } edges { cursor node { reference } } } }",
                json!({ "after": after }),
            )
            .await["cases"]
                .clone()
        }
    };
    let first = page(None).await;
    let cursor = first["edges"][2]["cursor"].as_str().unwrap().to_owned();
    let second = page(Some(cursor)).await;
    assert_eq!(
        (first["totalCount"].clone(), second["totalCount"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    let references: Vec<&str> = [&first, &second]
        .iter()
        .flat_map(|p| p["edges"].as_array().unwrap())
        .map(|e| e["node"]["reference"].as_str().unwrap())
        .collect();
    let mut newest_first: Vec<&str> = references.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(references, newest_first, "4 distinct cases, newest first");
    let stale = app
        .query(
            &["NATIONAL_ADMIN"],
            "{ cases(after: \"CFC-1999-0001\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&stale), ["BAD_USER_INPUT"], "{stale}");
}
