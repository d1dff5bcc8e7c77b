//! Working-day deadlines against an independent list (`tests/fixtures/deadline_vectors.json`,
//! made by `generate_deadline_vectors.py` from the PyPI `holidays` package), and the
//! administrator's one-off bank holiday.

use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, error_codes};

on_both_databases!(
    deadlines_match_an_independent_calendar_across_moved_and_one_off_holidays,
    an_administrator_adds_a_one_off_bank_holiday,
    the_calendar_is_read_once_however_many_dates_are_asked,
    calendar_arguments_are_checked,
);

fn fixture() -> Value {
    serde_json::from_str(include_str!("../fixtures/deadline_vectors.json")).unwrap()
}

async fn deadlines_match_an_independent_calendar_across_moved_and_one_off_holidays(app: TestApp) {
    let fixture = fixture();
    let vectors = fixture["vectors"].as_array().unwrap();
    assert!(vectors.len() > 500);
    // 25 aliases a request (the alias limit is 30).
    for chunk in vectors.chunks(25) {
        let fields: String = chunk
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "v{i}: addWorkingDays(from: {}, days: {}) ",
                    v["start"], v["days"]
                )
            })
            .collect();
        let data = app
            .admin(&format!("{{ calendar {{ {fields} }} }}"), json!({}))
            .await;
        for (i, v) in chunk.iter().enumerate() {
            assert_eq!(
                data["calendar"][format!("v{i}")],
                v["due"],
                "{} + {} working days",
                v["start"],
                v["days"]
            );
        }
    }
    // The reference calendar holds the same weekday holidays as the independent list.
    let mut ours = Vec::new();
    for year in 2018..=2028 {
        let data = app
            .admin(
                &format!("{{ calendar {{ bankHolidays(year: {year}) {{ date }} }} }}"),
                json!({}),
            )
            .await;
        ours.extend(
            data["calendar"]["bankHolidays"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["date"].clone()),
        );
    }
    assert_eq!(Value::Array(ours), fixture["weekday_holidays_2018_2028"]);
}

async fn an_administrator_adds_a_one_off_bank_holiday(app: TestApp) {
    let add = r#"mutation($date: Date!) { addBankHoliday(input: { date: $date, title: "One-off holiday", reason: "announced by the government" }) { date title source } }"#;
    let before = app.admin(r#"{ calendar { isWorkingDay(date: "2027-06-04") addWorkingDays(from: "2027-06-03", days: 1) } }"#, json!({})).await;
    assert_eq!(
        before["calendar"],
        json!({ "isWorkingDay": true, "addWorkingDays": "2027-06-04" })
    );

    let body = app
        .query(
            &["NETWORK_MANAGER:WESSEX"],
            add,
            json!({ "date": "2027-06-04" }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    let saturday = app
        .query(&["NATIONAL_ADMIN"], add, json!({ "date": "2027-06-05" }))
        .await;
    assert_eq!(error_codes(&saturday), ["BAD_USER_INPUT"], "{saturday}");

    let added = app.admin(add, json!({ "date": "2027-06-04" })).await;
    assert_eq!(added["addBankHoliday"]["date"], "2027-06-04");
    assert_eq!(added["addBankHoliday"]["source"], "added by test-user");
    let after = app.admin(r#"{ calendar { isWorkingDay(date: "2027-06-04") addWorkingDays(from: "2027-06-03", days: 1) } }"#, json!({})).await;
    assert_eq!(
        after["calendar"],
        json!({ "isWorkingDay": false, "addWorkingDays": "2027-06-07" })
    );

    let again = app
        .query(&["NATIONAL_ADMIN"], add, json!({ "date": "2027-06-04" }))
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"], "{again}");
    let audit = app.admin(r#"{ auditLog(entityType: "BANK_HOLIDAY") { edges { node { entityKey action reason } } } }"#, json!({})).await;
    assert_eq!(
        audit["auditLog"]["edges"],
        json!([{ "node": { "entityKey": "2027-06-04", "action": "addBankHoliday", "reason": "announced by the government" } }])
    );
}

async fn calendar_arguments_are_checked(app: TestApp) {
    for (query, mentions) in [
        (
            r#"{ calendar { addWorkingDays(from: "2026-11-22", days: -1) } }"#,
            "between 0 and 260",
        ),
        (
            r#"{ calendar { addWorkingDays(from: "2026-11-22", days: 261) } }"#,
            "between 0 and 260",
        ),
        (
            r#"{ calendar { bankHolidays(year: 1999) { date } } }"#,
            "between 2000 and 2100",
        ),
        (
            r#"{ calendar { isWorkingDay(date: "2026-11-31") } }"#,
            "2026-11-31",
        ),
        (
            r#"{ calendar { isWorkingDay(date: "0000-01-03") } }"#,
            "from year 1 to 9999",
        ),
        // The answer would be a date the scalar itself refuses.
        (
            r#"{ calendar { addWorkingDays(from: "9999-12-31", days: 5) } }"#,
            "after 9999-12-31",
        ),
    ] {
        let body = app.query(&["NATIONAL_VIEWER"], query, json!({})).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{query}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(mentions),
            "{query}: {body}"
        );
    }
}

async fn the_calendar_is_read_once_however_many_dates_are_asked(app: TestApp) {
    let mut counts = Vec::new();
    for fields in [1, 15] {
        let aliases: String = (0..fields)
            .map(|i| format!("d{i}: addWorkingDays(from: \"2026-12-01\", days: {i}) w{i}: isWorkingDay(date: \"2026-12-0{}\") ", 1 + i % 9))
            .collect();
        let before = app.statements();
        app.admin(&format!("{{ calendar {{ {aliases} }} }}"), json!({}))
            .await;
        counts.push(app.statements() - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements grew with the fields asked: {counts:?}"
    );
}
