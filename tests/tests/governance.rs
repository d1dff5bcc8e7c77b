//! The network's board over HTTP: posts and the chair rule, members by seat and the composition
//! gaps of the demo network, meetings and M&M reviews without patient identifiers, minutes
//! approved by the chair, the host chosen by the commissioners, the derived "management team in
//! post", the document review clock, and who may do what and hears of it.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::subscriptions::WsClient;
use crate::support::{
    TestApp, call_as as call, the_field as ok, the_refusal as refused, token_for as as_,
};

on_both_databases!(
    the_board_shows_its_gaps_and_the_chair_rule_holds,
    meetings_are_minuted_and_the_commissioners_choose_the_host,
);

const BOARD: &str = "query($a: Date) { networkBoard(network: \"WESSEX\", asAt: $a) { notMet lastBoardMeetingOn chair { holderName warnings } posts { post holderName } members { id seat organisation } compositionGaps { kind code } } }";

async fn board(app: &TestApp, grant: &str, as_at: Option<&str>) -> Value {
    call(app, grant, BOARD, json!({ "a": as_at })).await
}

async fn appoint(
    app: &TestApp,
    grant: &str,
    post: &str,
    email: &str,
    employer: &str,
    from: &str,
    appointment: Option<&str>,
) -> Value {
    call(
        app,
        grant,
        "mutation($i: AppointToNetworkPostInput!) { appointToNetworkPost(input: $i) { id post holderName validFrom warnings } }",
        json!({ "i": {
            "network": "WESSEX", "post": post, "holderName": format!("{post} holder {email}"),
            "holderEmail": email, "mainEmployer": employer, "from": from, "appointment": appointment,
        } }),
    )
    .await
}

async fn management_team(app: &TestApp) -> Option<f64> {
    let values = app
        .admin(
            "{ indicatorValues(indicator: \"GENERIC_MANAGEMENT_TEAM\", organisation: \"WESSEX\", from: \"2026-04-01\", to: \"2026-04-01\") { value } }",
            json!({}),
        )
        .await;
    values["indicatorValues"][0]["value"].as_f64()
}

fn gaps(board: &Value) -> Vec<String> {
    board["compositionGaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| match g["code"].as_str() {
            Some(code) => format!("{} {code}", g["kind"].as_str().unwrap()),
            None => g["kind"].as_str().unwrap().to_owned(),
        })
        .collect()
}

async fn the_board_shows_its_gaps_and_the_chair_rule_holds(app: TestApp) {
    // The demo board: two hubs and one partner represented, one hub's management, a patient
    // representative and a commissioner.
    // The first request of the day also reads the organisation map that scopes it.
    board(&app, "NETWORK_MANAGER:WESSEX", None).await;
    let before = app.statements();
    let demo = ok(board(&app, "NETWORK_MANAGER:WESSEX", None).await);
    let statements_for_six = app.statements() - before;
    eprintln!(
        "SQL statements for networkBoard on {:?}: {statements_for_six}",
        app.kind()
    );
    assert_eq!(
        gaps(&demo),
        [
            "MEMBER_WITHOUT_CLINICAL_REPRESENTATIVE ZZ122",
            "MEMBER_WITHOUT_CLINICAL_REPRESENTATIVE ZZ123",
            "HUB_WITHOUT_MANAGEMENT RHU",
            "NO_REGIONAL_AHP",
            "NO_THIRD_SECTOR",
            "MDT_PROFESSION_MISSING RADIOLOGIST",
            "NO_CHAIR",
        ]
    );
    assert_eq!(demo["notMet"], true, "the demo board has never met");
    for (grant, code) in [
        ("PROVIDER_CEO:RHM", "NOT_FOUND"),
        ("NETWORK_MANAGER:TV", "NOT_FOUND"),
        ("ICB_COMMISSIONER:QKK", "NOT_FOUND"),
    ] {
        assert_eq!(refused(&board(&app, grant, None).await), code, "{grant}");
    }
    assert!(ok(board(&app, "ICB_COMMISSIONER:QRL", None).await)["members"].is_array());

    // The management team: both posts held in the year derive the generic indicator.
    assert_eq!(management_team(&app).await, None, "no posts recorded yet");
    ok(appoint(
        &app,
        "NETWORK_MANAGER:WESSEX",
        "CLINICAL_LEAD",
        "a.lead@example.org",
        "RHU",
        "2026-04-01",
        None,
    )
    .await);
    assert_eq!(management_team(&app).await, Some(0.0));
    ok(appoint(
        &app,
        "REGIONAL_LEAD:Y59",
        "MANAGER",
        "b.manager@example.org",
        "RHM",
        "2026-04-01",
        None,
    )
    .await);
    assert_eq!(management_team(&app).await, Some(1.0));
    // An appointment not taken up is voided: the year loses its manager, until the next one.
    let void = "mutation($d: Date!) { vacateNetworkPost(network: \"WESSEX\", post: MANAGER, lastDay: $d, reason: \"Did not take up the post\") { validTo } }";
    let voided = ok(call(
        &app,
        "NETWORK_MANAGER:WESSEX",
        void,
        json!({ "d": "2026-01-01" }),
    )
    .await);
    assert_eq!(voided["validTo"], "2026-03-31");
    assert_eq!(management_team(&app).await, Some(0.0));
    ok(appoint(
        &app,
        "REGIONAL_LEAD:Y59",
        "MANAGER",
        "b.manager@example.org",
        "RHM",
        "2026-05-01",
        None,
    )
    .await);
    assert_eq!(management_team(&app).await, Some(1.0));
    let typed = call(
        &app,
        "NATIONAL_ADMIN",
        "mutation { submitIndicatorValues(input: { values: [{ indicator: \"GENERIC_MANAGEMENT_TEAM\", organisation: \"WESSEX\", period: \"2026-04-01\", value: 0, status: VALIDATED }] }) { created } }",
        json!({}),
    )
    .await;
    assert_eq!(refused(&typed), "BAD_USER_INPUT");

    // The chair: never the clinical lead; the open process recorded; "ideally" warned.
    let refusal = appoint(
        &app,
        "NETWORK_MANAGER:WESSEX",
        "CHAIR",
        "A.Lead@Example.org",
        "RHU",
        "2026-06-01",
        Some("Advertised network-wide; panel of two ICBs"),
    )
    .await;
    assert_eq!(refused(&refusal), "BAD_USER_INPUT", "{refusal}");
    assert_eq!(
        refused(
            &appoint(
                &app,
                "NETWORK_MANAGER:WESSEX",
                "CHAIR",
                "c.chair@example.org",
                "RHM",
                "2026-06-01",
                None
            )
            .await
        ),
        "BAD_USER_INPUT",
        "no record of the open process"
    );
    for grant in [
        "NETWORK_CLINICAL_LEAD:WESSEX",
        "ICB_COMMISSIONER:QRL",
        "NETWORK_CHAIR:WESSEX",
    ] {
        assert_eq!(
            refused(
                &appoint(
                    &app,
                    grant,
                    "CHAIR",
                    "c.chair@example.org",
                    "RHM",
                    "2026-06-01",
                    Some("Open advert")
                )
                .await
            ),
            "FORBIDDEN",
            "{grant}"
        );
    }
    assert_eq!(
        refused(
            &appoint(
                &app,
                "PROVIDER_CEO:RHM",
                "CHAIR",
                "c.chair@example.org",
                "RHM",
                "2026-06-01",
                Some("Open advert")
            )
            .await
        ),
        "NOT_FOUND"
    );
    // From the host (RHM) with the clinical lead's employer... the lead is at RHU: one warning.
    let warned = ok(appoint(
        &app,
        "NETWORK_MANAGER:WESSEX",
        "CHAIR",
        "c.chair@example.org",
        "RHM",
        "2026-06-01",
        Some("Advertised network-wide; panel of two ICBs"),
    )
    .await);
    assert_eq!(warned["warnings"], json!(["FROM_THE_HOST"]));
    let both = ok(appoint(
        &app,
        "NATIONAL_ADMIN",
        "CHAIR",
        "d.chair@example.org",
        "RHU",
        "2026-09-01",
        Some("Re-advertised"),
    )
    .await);
    assert_eq!(both["warnings"], json!(["SAME_EMPLOYER_AS_CLINICAL_LEAD"]));
    assert_eq!(
        refused(
            &appoint(
                &app,
                "NETWORK_MANAGER:WESSEX",
                "CLINICAL_LEAD",
                "d.chair@example.org",
                "RHU",
                "2026-10-01",
                None
            )
            .await
        ),
        "BAD_USER_INPUT",
        "nor is the chair made clinical lead"
    );
    let clean = ok(appoint(
        &app,
        "NETWORK_MANAGER:WESSEX",
        "CHAIR",
        "e.chair@example.org",
        "ZZ121",
        "2026-11-01",
        Some("Open process, November"),
    )
    .await);
    assert_eq!(clean["warnings"], json!([]));
    let now = ok(board(&app, "NETWORK_MANAGER:WESSEX", None).await);
    assert_eq!(
        now["chair"]["holderName"],
        "CHAIR holder e.chair@example.org"
    );
    assert_eq!(now["posts"].as_array().unwrap().len(), 3);
    let earlier = ok(board(&app, "NETWORK_MANAGER:WESSEX", Some("2026-07-01")).await);
    assert_eq!(
        earlier["chair"]["warnings"],
        json!(["FROM_THE_HOST"]),
        "the chair as it stood"
    );

    // Seats: each names what it represents.
    let add = |grant: &'static str, input: Value| {
        let app = &app;
        async move {
            call(app, grant, "mutation($i: AddBoardMemberInput!) { addBoardMember(input: $i) { id seat organisation } }", json!({ "i": input })).await
        }
    };
    let radiologist = json!({ "network": "WESSEX", "seat": "CLINICAL_REPRESENTATIVE", "name": "Radiologist of ZZ122", "organisation": "ZZ122", "mainEmployer": "ZZ122", "profession": "RADIOLOGIST", "from": "2026-11-01" });
    assert_eq!(
        refused(&add("ICB_COMMISSIONER:QRL", radiologist.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&add("NETWORK_MANAGER:TV", radiologist.clone()).await),
        "NOT_FOUND"
    );
    for wrong in [
        json!({ "network": "WESSEX", "seat": "HUB_MANAGEMENT", "name": "x", "organisation": "ZZ122", "mainEmployer": "ZZ122", "from": "2026-11-01" }),
        json!({ "network": "WESSEX", "seat": "COMMISSIONER", "name": "x", "organisation": "QKK", "mainEmployer": "QKK", "from": "2026-11-01" }),
        json!({ "network": "WESSEX", "seat": "SPECIALTY", "name": "x", "mainEmployer": "RHM", "from": "2026-11-01" }),
        json!({ "network": "WESSEX", "seat": "CLINICAL_REPRESENTATIVE", "name": "x", "organisation": "RTH", "mainEmployer": "RTH", "from": "2026-11-01" }),
    ] {
        assert_eq!(
            refused(&add("NETWORK_CLINICAL_LEAD:WESSEX", wrong.clone()).await),
            "BAD_USER_INPUT",
            "{wrong}"
        );
    }
    let seated = ok(add("NETWORK_CLINICAL_LEAD:WESSEX", radiologist).await);
    ok(add("NETWORK_MANAGER:WESSEX", json!({ "network": "WESSEX", "seat": "THIRD_SECTOR", "name": "Spinal injuries charity", "mainEmployer": "Spinal Injuries Association", "from": "2026-11-01" })).await);
    let before = app.statements();
    let after = ok(board(&app, "NETWORK_MANAGER:WESSEX", None).await);
    assert_eq!(
        app.statements() - before,
        statements_for_six,
        "the board read costs the same statements for 6 members and for 8, with 3 posts"
    );
    let left = gaps(&after);
    assert!(
        !left.iter().any(|g| g.ends_with("ZZ122")
            || g.ends_with("RADIOLOGIST")
            || g == "NO_CHAIR"
            || g == "NO_THIRD_SECTOR"),
        "{left:?}"
    );
    ok(call(&app, "NETWORK_MANAGER:WESSEX", "mutation($id: Int!) { endBoardMembership(id: $id, lastDay: \"2026-11-21\", reason: \"Moved trust\") { validTo } }", json!({ "id": seated["id"] })).await);
    let gone = ok(board(&app, "NETWORK_MANAGER:WESSEX", None).await);
    assert!(gaps(&gone).contains(&"MDT_PROFESSION_MISSING RADIOLOGIST".to_owned()));
    let vacated = ok(call(&app, "NETWORK_MANAGER:WESSEX", "mutation { vacateNetworkPost(network: \"WESSEX\", post: MANAGER, lastDay: \"2026-11-21\", reason: \"Left the post\") { validTo } }", json!({})).await);
    assert_eq!(vacated["validTo"], "2026-11-21");
    assert_eq!(
        management_team(&app).await,
        Some(1.0),
        "held in part of the year"
    );
}

const MEETING: &str =
    "id kind version minutesApprovedAt outcomes { category count learning } declarations { name }";

async fn record(app: &TestApp, grant: &str, input: Value) -> Value {
    call(
        app,
        grant,
        &format!(
            "mutation($i: RecordMeetingInput!) {{ recordMeeting(input: $i) {{ {MEETING} }} }}"
        ),
        json!({ "i": input }),
    )
    .await
}

fn board_meeting(held_on: &str) -> Value {
    json!({
        "network": "WESSEX", "kind": "BOARD", "heldOn": held_on, "title": "Wessex spinal network board",
        "attendees": ["Chair (ZZ121)", "Network manager (RHM)"], "apologies": ["QVV commissioner"],
        "declarations": [{ "name": "Network manager", "interest": "Employed by the host", "handling": "Noted" }],
        "decisions": [{ "decision": "Adopt the MSCC pathway", "rationale": "Aligns with the national pathway" }],
        "actions": [{ "action": "Circulate the pathway", "owner": "Network manager", "dueOn": "2026-12-31" }],
    })
}

async fn meetings_are_minuted_and_the_commissioners_choose_the_host(app: TestApp) {
    const SUBSCRIPTION: &str =
        "subscription { governanceChanged { kind networkCode meetingId party } }";
    let mut network =
        WsClient::subscribe(&app, &as_(&app, "INTEGRATION:network=WESSEX"), SUBSCRIPTION).await;
    let mut stranger =
        WsClient::subscribe(&app, &as_(&app, "ICB_COMMISSIONER:QKK"), SUBSCRIPTION).await;

    let first = ok(record(&app, "NETWORK_MANAGER:WESSEX", board_meeting("2026-09-10")).await);
    assert_eq!(
        refused(&record(&app, "ICB_COMMISSIONER:QRL", board_meeting("2026-09-11")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&record(&app, "NETWORK_CHAIR:WESSEX", board_meeting("2026-09-11")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&record(&app, "PROVIDER_CEO:RHM", board_meeting("2026-09-11")).await),
        "NOT_FOUND"
    );
    assert_eq!(
        refused(&record(&app, "NETWORK_MANAGER:WESSEX", board_meeting("2026-12-01")).await),
        "BAD_USER_INPUT",
        "not held yet"
    );

    // An M&M review of a member: counts and learning, never a patient identifier.
    let review = |learning: &str| {
        json!({
            "network": "WESSEX", "kind": "MM_REVIEW", "heldOn": "2026-10-01", "title": "Quarterly M&M, RHU",
            "attendees": ["Spinal surgeons of RHU"], "declarations": [], "provider": "RHU",
            "outcomes": [
                { "category": "OPERATIVE_DEATH", "count": 0 },
                { "category": "RETURN_TO_THEATRE", "count": 3, "learning": learning }
            ],
        })
    };
    for identifier in ["Patient 943 476 5919 returned twice", "see 9434765919"] {
        assert_eq!(
            refused(&record(&app, "NETWORK_CLINICAL_LEAD:WESSEX", review(identifier)).await),
            "BAD_USER_INPUT",
            "{identifier}"
        );
    }
    let mut no_provider = review("x");
    no_provider["provider"] = Value::Null;
    assert_eq!(
        refused(&record(&app, "NETWORK_CLINICAL_LEAD:WESSEX", no_provider).await),
        "BAD_USER_INPUT"
    );
    let mut not_member = review("x");
    not_member["provider"] = json!("RTH");
    assert_eq!(
        refused(&record(&app, "NETWORK_CLINICAL_LEAD:WESSEX", not_member).await),
        "BAD_USER_INPUT"
    );
    let mm = ok(record(
        &app,
        "NETWORK_CLINICAL_LEAD:WESSEX",
        review("Two wound washouts; antibiotic protocol revised"),
    )
    .await);
    assert_eq!(
        mm["outcomes"][1],
        json!({ "category": "RETURN_TO_THEATRE", "count": 3, "learning": "Two wound washouts; antibiotic protocol revised" })
    );
    assert_eq!(
        mm["declarations"],
        json!([]),
        "none declared, recorded as such"
    );

    // Minutes approved by the chair at a later board meeting.
    let second = ok(record(&app, "NETWORK_MANAGER:WESSEX", board_meeting("2026-11-12")).await);
    let approve = |grant: &'static str, at: &Value, version: i64| {
        let (app, at) = (&app, at["id"].clone());
        let id = first["id"].clone();
        async move {
            call(app, grant, &format!("mutation($m: Int!, $a: Int!, $v: Int!) {{ approveMinutes(meetingId: $m, atMeetingId: $a, expectedVersion: $v) {{ {MEETING} }} }}"), json!({ "m": id, "a": at, "v": version })).await
        }
    };
    assert_eq!(
        refused(&approve("NETWORK_MANAGER:WESSEX", &second, 1).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&approve("NETWORK_CHAIR:WESSEX", &second, 7).await),
        "CONFLICT"
    );
    assert_eq!(
        refused(&approve("NETWORK_CHAIR:WESSEX", &mm, 1).await),
        "BAD_USER_INPUT",
        "an M&M review approves no board minutes"
    );
    let approved = ok(approve("NETWORK_CHAIR:WESSEX", &second, 1).await);
    assert_eq!(approved["minutesApprovedAt"], second["id"]);
    assert_eq!(approved["version"], 2);

    let now = ok(board(&app, "NATIONAL_VIEWER", None).await);
    assert_eq!(
        (now["notMet"].clone(), now["lastBoardMeetingOn"].clone()),
        (json!(false), json!("2026-11-12"))
    );
    // Met within four months of 20 September (10 September), not within four of 20 March.
    let met = |as_at: &'static str| {
        let app = &app;
        async move { ok(board(app, "NATIONAL_VIEWER", Some(as_at)).await)["notMet"].clone() }
    };
    assert_eq!(
        met("2026-09-01").await,
        true,
        "before the first board meeting"
    );
    assert_eq!(met("2026-09-20").await, false);
    assert_eq!(
        met("2027-03-20").await,
        true,
        "four months since 12 November"
    );
    let mut named = board_meeting("2026-11-13");
    named["caseReference"] = json!("943 476 5919");
    assert_eq!(
        refused(&record(&app, "NETWORK_MANAGER:WESSEX", named).await),
        "BAD_USER_INPUT"
    );

    // The host: determined by the footprint's commissioners, any member provider.
    let determine = |grant: &'static str, icbs: Value| {
        let app = &app;
        async move {
            call(app, grant, "mutation($i: [String!]!) { determineNetworkHost(input: { network: \"WESSEX\", odsCode: \"ZZ122\", icbs: $i, determinedOn: \"2026-11-20\", citation: \"Joint committee, 20 November 2026, minute 6\" }) { host { odsCode } } }", json!({ "i": icbs })).await
        }
    };
    assert_eq!(
        refused(&determine("ICB_COMMISSIONER:QRL", json!(["QVV"])).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&determine("ICB_COMMISSIONER:QKK", json!(["QKK"])).await),
        "NOT_FOUND"
    );
    assert_eq!(
        refused(&determine("NETWORK_MANAGER:WESSEX", json!(["QRL"])).await),
        "FORBIDDEN"
    );
    assert_eq!(
        refused(&determine("NATIONAL_ADMIN", json!(["QRL", "QKK"])).await),
        "BAD_USER_INPUT"
    );
    let hosted = ok(determine("ICB_COMMISSIONER:QRL", json!(["QRL", "QVV"])).await);
    assert_eq!(hosted["host"]["odsCode"], "ZZ122", "a partner hosts");
    // A determination recorded late joins the history without displacing the later choice.
    let late = ok(call(&app, "NATIONAL_ADMIN", "mutation { determineNetworkHost(input: { network: \"WESSEX\", odsCode: \"RHU\", icbs: [\"QRL\"], determinedOn: \"2026-10-01\", citation: \"October minute, recorded late\" }) { host { odsCode } } }", json!({})).await);
    assert_eq!(late["host"]["odsCode"], "ZZ122");
    let record = ok(call(&app, "ICB_COMMISSIONER:QVV", "{ networkBoard(network: \"WESSEX\") { hostDeterminations { providerOds icbs citation recordedByName } } }", json!({})).await);
    assert_eq!(
        record["hostDeterminations"][0],
        json!({ "providerOds": "ZZ122", "icbs": ["QRL", "QVV"], "citation": "Joint committee, 20 November 2026, minute 6", "recordedByName": "Holder of ICB_COMMISSIONER:QRL" })
    );

    // A document past its review date is announced once by the clock.
    let pathway = ok(call(&app, "NETWORK_MANAGER:WESSEX", "mutation { registerGovernanceDocument(input: { network: \"WESSEX\", kind: PATHWAY, topic: \"MSCC\", title: \"Wessex MSCC pathway\", versionLabel: \"1\", effectiveFrom: \"2025-11-01\", reviewOn: \"2026-11-30\" }) { id } }", json!({})).await);
    ok(call(&app, "NETWORK_CHAIR:WESSEX", "mutation($id: Int!) { signGovernanceDocument(id: $id, party: { kind: NETWORK, code: \"WESSEX\" }) { status } }", json!({ "id": pathway["id"] })).await);
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap());
    let first_pass = graphql::service::document::tick(&app.state).await.unwrap();
    let second_pass = graphql::service::document::tick(&app.state).await.unwrap();
    assert_eq!((first_pass.reviews_due, second_pass.reviews_due), (1, 0));

    let seen = network.events(Duration::from_secs(3)).await;
    let kinds: Vec<&str> = seen.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "MEETING_HELD",
            "MEETING_HELD",
            "MEETING_HELD",
            "MINUTES_APPROVED",
            "HOST_DETERMINED",
            "HOST_DETERMINED",
            "DOCUMENT_REGISTERED",
            "DOCUMENT_SIGNED",
            "DOCUMENT_IN_FORCE",
            "DOCUMENT_REVIEW_DUE"
        ],
        "{seen:?}"
    );
    assert_eq!(seen[1]["party"], "RHU", "the provider reviewed, no names");
    assert_eq!(seen[4]["party"], "ZZ122");
    assert!(stranger.events(Duration::from_secs(1)).await.is_empty());
}
