//! The whole stage-5 decision, the CEO's record that makes a case the commissioners', and the
//! allocated HQIP Associate Director (BSR Cause for Concern Policy, January 2026, Tables 1-2,
//! stages 1 and 5), over HTTP on both databases.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::cases::{
    ENGLISH, People, WELSH, act, allocate, around_english_provider, ceo, ok, open, step_input,
};
use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    only_the_allocated_associate_director_agrees_next_steps,
    england_decides_each_part_and_the_ceo_informs_the_commissioners,
    wales_writes_to_the_named_royal_colleges_once_they_have_addresses,
);

/// Opens a case, allocates `People::hqip`, finds a case to answer at stage 1.
async fn awaiting_next_steps(app: &TestApp, people: &People, ods: &str) -> Value {
    let case = open(app, people, ods, 4).await;
    let case = allocate(app, people, &case).await;
    let case = ok(
        app,
        &people.analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "finding": "CASE_TO_ANSWER", "rationale": "The outlier stands." }),
    )
    .await;
    assert_eq!(case["step"], "AWAITING_NEXT_STEPS");
    case
}

/// A case at stage 5 with the call recorded: the AD agreed to go straight to stage 5.
async fn at_stage_5(app: &TestApp, people: &People, ods: &str) -> Value {
    let case = awaiting_next_steps(app, people, ods).await;
    let case = ok(
        app,
        &people.hqip,
        "agreeNextSteps",
        "AgreeNextStepsInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "escalate": true, "omitStages": [2, 3, 4], "rationale": "The provider already knows; confirm at once." }),
    )
    .await;
    assert_eq!(case["stage"], 5);
    ok(
        app,
        &people.analyst,
        "recordTelephoneCall",
        "CaseStepInput",
        step_input(&case, Some("Spoke to the Lead Clinician.")),
    )
    .await
}

fn part(part: &str, inform: bool, colleges: &[&str]) -> Value {
    json!({ "part": part, "inform": inform, "royalColleges": colleges, "justification": format!("{part}: a persistent outlier.") })
}

async fn decide(app: &TestApp, token: &str, case: &Value, parts: Value) -> Value {
    act(
        app,
        token,
        "decideDisclosures",
        "DecideDisclosuresInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "parts": parts }),
    )
    .await
}

/// `(event, to, cc, justification given)` of each letter but the Associate Director's, and each
/// letter's body, oldest first.
async fn letters(
    app: &TestApp,
    reference: &Value,
) -> Vec<(String, Vec<String>, Vec<String>, bool, String)> {
    let case = entities::case::Entity::find()
        .filter(entities::case::Column::Reference.eq(reference.as_str().unwrap()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    entities::mail_outbox::Entity::find()
        .filter(entities::mail_outbox::Column::CaseId.eq(case.id))
        .order_by_asc(entities::mail_outbox::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| !l.event.contains("NEXT_STEPS") && l.event != "PROGRESS_NOTICE")
        .map(|l| {
            let parties = |kind: &str| -> Vec<String> {
                l.recipients
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["kind"] == kind)
                    .map(|r| r["party"].as_str().unwrap().to_owned())
                    .collect()
            };
            (
                l.event.clone(),
                parties("TO"),
                parties("CC"),
                l.justification.is_some(),
                l.body.clone(),
            )
        })
        .collect()
}

async fn only_the_allocated_associate_director_agrees_next_steps(app: TestApp) {
    let people = People::new(&app);
    let other_ad = app.token_as(
        "hqip-ad-2",
        "Second Associate Director",
        &["HQIP_ASSOCIATE_DIRECTOR"],
    );
    // A case to answer at stage 1 asks its allocated AD, by letter; without one it cannot.
    let unallocated = open(&app, &people, ENGLISH, 4).await;
    let body = act(
        &app,
        &people.analyst,
        "recordFinding",
        "RecordFindingInput",
        json!({ "reference": unallocated["reference"], "expectedVersion": unallocated["version"], "finding": "CASE_TO_ANSWER", "rationale": "The outlier stands." }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("allocateAssociateDirector")
    );
    let case = awaiting_next_steps(&app, &people, ENGLISH).await;
    let agree = |token: String, case: Value| {
        let app = &app;
        async move {
            act(
                app,
                &token,
                "agreeNextSteps",
                "AgreeNextStepsInput",
                json!({ "reference": case["reference"], "expectedVersion": case["version"], "escalate": true, "rationale": "Escalate." }),
            )
            .await
        }
    };
    let body = agree(other_ad.clone(), case.clone()).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "another AD: {body}");
    // The registry cannot reallocate; an administrator can, with a reason.
    let reallocate = |token: String, case: Value| {
        let app = &app;
        async move {
            act(
                app,
                &token,
                "allocateAssociateDirector",
                "AllocateAssociateDirectorInput",
                json!({ "reference": case["reference"], "expectedVersion": case["version"], "associateDirectorSub": "hqip-ad-2", "associateDirectorName": "Second Associate Director", "associateDirectorEmail": "ad2@hqip.test", "reason": "The first AD is on leave." }),
            )
            .await
        }
    };
    let body = reallocate(people.analyst.clone(), case.clone()).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let body = reallocate(people.admin.clone(), case.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    let case = body["data"]["allocateAssociateDirector"].clone();
    let body = agree(people.hqip.clone(), case.clone()).await;
    assert_eq!(
        error_codes(&body),
        ["FORBIDDEN"],
        "no longer allocated: {body}"
    );
    let body = agree(other_ad, case.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["agreeNextSteps"]["stage"], 2);
    // The new AD was asked for next steps in turn; no notice tells them of their own move.
    let to_the_director = |event: &'static str| {
        let db = app.state.db.clone();
        async move {
            entities::mail_outbox::Entity::find()
                .filter(entities::mail_outbox::Column::Event.eq(event))
                .order_by_asc(entities::mail_outbox::Column::Id)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|l| l.recipients[0]["address"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        to_the_director("NEXT_STEPS_REQUESTED").await,
        ["ad@hqip.test", "ad2@hqip.test"]
    );
    assert!(to_the_director("PROGRESS_NOTICE").await.is_empty());
}

async fn england_decides_each_part_and_the_ceo_informs_the_commissioners(app: TestApp) {
    let people = People::new(&app);
    let (_, inside_icb, _) = around_english_provider(&app).await;
    let commissioner = app.token(&[&format!("ICB_COMMISSIONER:{inside_icb}")]);
    let case = at_stage_5(&app, &people, ENGLISH).await;
    // Refused, each with a reason: a college part informing none; a Welsh part; colleges on a
    // part that names none.
    for parts in [
        json!([part("CEO_INFORMS_ROYAL_COLLEGES", true, &[])]),
        json!([part("REGISTRY_INFORMS_ROYAL_COLLEGES", false, &[])]),
        json!([part("CEO_INFORMS_NHS_IMPROVEMENT", true, &["RCS_ENGLAND"])]),
        json!([part("CEO_INFORMS_ROYAL_COLLEGES", true, &["CQC"])]),
    ] {
        let body = decide(&app, &people.hqip, &case, parts).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    }
    let everything = json!([
        part("REGISTRY_INFORMS_REGULATOR", true, &[]),
        part("CEO_INFORMS_COMMISSIONERS", true, &[]),
        part("CEO_INFORMS_NHS_IMPROVEMENT", true, &[]),
        part("CEO_INFORMS_ROYAL_COLLEGES", true, &["RCS_ENGLAND"]),
    ]);
    // The AD's half is the allocated AD's.
    let other_ad = app.token_as(
        "hqip-ad-2",
        "Second Associate Director",
        &["HQIP_ASSOCIATE_DIRECTOR"],
    );
    let body = decide(&app, &other_ad, &case, everything.clone()).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let body = decide(&app, &people.hqip, &case, everything.clone()).await;
    let case = body["data"]["decideDisclosures"].clone();
    // The clinical lead differs on NHS Improvement: no confirmation until they agree.
    let mut differing = everything.clone();
    differing[2] = part("CEO_INFORMS_NHS_IMPROVEMENT", false, &[]);
    let body = decide(&app, &people.clinical_lead, &case, differing).await;
    let case = body["data"]["decideDisclosures"].clone();
    let confirm = |case: Value| {
        let (app, analyst) = (&app, people.analyst.clone());
        async move {
            act(
                app,
                &analyst,
                "sendConfirmation",
                "CaseStepInput",
                step_input(&case, None),
            )
            .await
        }
    };
    let body = confirm(case.clone()).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("CEO_INFORMS_NHS_IMPROVEMENT")
    );
    let body = decide(&app, &people.clinical_lead, &case, everything).await;
    let case = body["data"]["decideDisclosures"].clone();
    let body = confirm(case.clone()).await;
    assert!(body.get("errors").is_none(), "{body}");
    let case = body["data"]["sendConfirmation"].clone();
    let sent = letters(&app, &case["reference"]).await;
    let parties: Vec<_> = sent
        .iter()
        .map(|(e, to, cc, j, _)| (e.as_str(), to.clone(), cc.clone(), *j))
        .collect();
    assert_eq!(
        parties,
        [
            (
                "CONFIRMATION_SENT",
                vec!["CEO".to_owned()],
                vec!["LEAD_CLINICIAN".to_owned(), "MEDICAL_DIRECTOR".to_owned()],
                false
            ),
            ("CONFIRMATION_SENT", vec!["CQC".to_owned()], vec![], true),
        ]
    );
    let to_the_ceo = &sent[0].4;
    assert!(
        to_the_ceo.contains("required to inform your commissioners; NHS Improvement; the royal colleges: Royal College of Surgeons of England"),
        "{to_the_ceo}"
    );
    // Before the CEO's record the commissioner sees nothing; NHS Improvement alone changes that
    // for nobody; the commissioners' record does.
    let read = "query($r: String!) { case(reference: $r) { reference commissionersInformedAt } }";
    let r = json!({ "r": case["reference"] });
    assert_eq!(
        error_codes(&app.query_with(&commissioner, read, r.clone()).await),
        ["NOT_FOUND"]
    );
    let record = |case: Value, part: &'static str| {
        let (app, token) = (&app, ceo(&app, ENGLISH));
        async move {
            act(
                app,
                &token,
                "recordProviderDisclosure",
                "RecordProviderDisclosureInput",
                json!({ "reference": case["reference"], "expectedVersion": case["version"], "part": part, "justification": format!("{part}: by letter on 1 January.") }),
            )
            .await
        }
    };
    let body = record(case.clone(), "REGISTRY_INFORMS_REGULATOR").await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "the registry's part: {body}"
    );
    let body = record(case.clone(), "CEO_INFORMS_NHS_IMPROVEMENT").await;
    let case = body["data"]["recordProviderDisclosure"].clone();
    assert_eq!(
        error_codes(&app.query_with(&commissioner, read, r.clone()).await),
        ["NOT_FOUND"]
    );
    let body = act(
        &app,
        &app.token(&["PROVIDER_CEO:ZZ012"]),
        "recordProviderDisclosure",
        "RecordProviderDisclosureInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "part": "CEO_INFORMS_COMMISSIONERS", "justification": "Not mine." }),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["NOT_FOUND"],
        "another provider's CEO: {body}"
    );
    let body = record(case.clone(), "CEO_INFORMS_COMMISSIONERS").await;
    assert!(body.get("errors").is_none(), "{body}");
    let seen = app.query_with(&commissioner, read, r.clone()).await;
    assert_eq!(
        seen["data"]["case"]["reference"], case["reference"],
        "{seen}"
    );
    assert!(seen["data"]["case"]["commissionersInformedAt"].is_string());
    // Each record is a disclosure with who, when and why.
    let history = app
        .query_with(
            &people.analyst,
            "query($r: String!) { case(reference: $r) { history { action actor { name } rationale detail } } }",
            r,
        )
        .await;
    let records: Vec<_> = history["data"]["case"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "PROVIDER_DISCLOSURE_RECORDED")
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["actor"]["name"], "CEO");
    assert!(
        records[1]["rationale"]
            .as_str()
            .unwrap()
            .contains("by letter on 1 January")
    );
}

async fn wales_writes_to_the_named_royal_colleges_once_they_have_addresses(app: TestApp) {
    let people = People::new(&app);
    let case = at_stage_5(&app, &people, WELSH).await;
    let body = decide(
        &app,
        &people.hqip,
        &case,
        json!([part("CEO_INFORMS_COMMISSIONERS", true, &[])]),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "an English part: {body}"
    );
    let parts = json!([
        part("REGISTRY_INFORMS_REGULATOR", false, &[]),
        part(
            "REGISTRY_INFORMS_ROYAL_COLLEGES",
            true,
            &["RCS_ENGLAND", "RCP_LONDON"]
        ),
    ]);
    let mut case = case;
    for token in [&people.hqip, &people.clinical_lead] {
        let body = decide(&app, token, &case, parts.clone()).await;
        assert!(body.get("errors").is_none(), "{body}");
        case = body["data"]["decideDisclosures"].clone();
    }
    // The policy gives the colleges no address: the confirmation waits, changing nothing.
    let body = act(
        &app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("setRecipientAddress")
    );
    assert!(letters(&app, &case["reference"]).await.is_empty());
    for (key, email) in [
        ("RCS_ENGLAND", "audit@rcseng.example.org"),
        ("RCP_LONDON", "audit@rcp.example.org"),
    ] {
        let body = app
            .query_with(
                &people.admin,
                "mutation($k: MailParty!, $e: String) { setRecipientAddress(input: { key: $k, email: $e, reason: \"address confirmed by the college\" }) { key } }",
                json!({ "k": key, "e": email }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let case = ok(
        &app,
        &people.analyst,
        "sendConfirmation",
        "CaseStepInput",
        step_input(&case, None),
    )
    .await;
    assert_eq!(case["stage"], 6);
    let sent = letters(&app, &case["reference"]).await;
    let parties: Vec<_> = sent
        .iter()
        .map(|(e, to, cc, j, _)| (e.as_str(), to.clone(), cc.clone(), *j))
        .collect();
    assert_eq!(
        parties,
        [
            (
                "CONFIRMATION_SENT",
                vec!["CEO".to_owned()],
                vec!["LEAD_CLINICIAN".to_owned(), "MEDICAL_DIRECTOR".to_owned()],
                false
            ),
            (
                "CONFIRMATION_SENT",
                vec!["RCS_ENGLAND".to_owned(), "RCP_LONDON".to_owned()],
                vec![],
                true
            ),
        ],
        "no Welsh Government letter: the decision was not to inform it"
    );
    // Table 2 gives the Welsh CEO no disclosure to record.
    let body = act(
        &app,
        &crate::cases::ceo(&app, WELSH),
        "recordProviderDisclosure",
        "RecordProviderDisclosureInput",
        json!({ "reference": case["reference"], "expectedVersion": case["version"], "part": "CEO_INFORMS_COMMISSIONERS", "justification": "Told the health board." }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        !sent[0].4.contains("required to inform"),
        "the Welsh CEO informs nobody: {}",
        sent[0].4
    );
}
