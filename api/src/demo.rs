//! The synthetic demo layer (`serve --demo`): partner providers for every network, two Welsh
//! providers, named contacts for some of them, part of Wessex's board and a residence breakdown
//! of one indicator. Every row is marked `synthetic`, every name
//! says "(synthetic)", ODS codes start with `ZZ` (no real ODS code does), and addresses use the
//! reserved `example.org` domain. Loaded once, like the reference data.

use chrono::NaiveDate;
use entities::enums::{ContactRole, MembershipRole, Nation};
use entities::{network, network_membership, provider, provider_contact};
use graphql::AppState;
use graphql::service::unit_of_work::UnitOfWork;
use migration::reference::{is_loaded, lock_datasets, record_loaded};
use sea_orm::{ActiveValue::NotSet, DbErr, EntityTrait, QueryOrder, Set};

const DATASET: &str = "demo/synthetic@1";
/// A partial board for Wessex, so the board read shows members and the gaps §5.2 names.
const BOARD: &str = "demo/wessex-board@1";
/// A residence breakdown, so an ICB's figures read through both lenses on a fresh demo.
const RESIDENCE: &str = "demo/residence-breakdown@1";
/// Partners per network.
const PARTNERS: usize = 3;

/// Loads the demo layer unless it is there already; returns whether it loaded.
pub async fn load(state: &AppState) -> Result<bool, DbErr> {
    let providers = load_providers(state).await?;
    let board = load_board(state).await?;
    let residence = load_residence(state).await?;
    Ok(providers || board || residence)
}

async fn load_providers(state: &AppState) -> Result<bool, DbErr> {
    let work = UnitOfWork::begin(state)
        .await
        .map_err(|e| DbErr::Custom(e.cause()))?;
    let (txn, now) = (work.db(), work.now);
    lock_datasets(txn).await?;
    if is_loaded(txn, DATASET).await? {
        return Ok(false);
    }
    let from =
        NaiveDate::from_ymd_opt(2022, 7, 1).ok_or_else(|| DbErr::Custom("bad date".into()))?;
    let networks = network::Entity::find()
        .order_by_asc(network::Column::Code)
        .all(txn)
        .await?;
    let mut codes = Vec::new();
    let mut providers = Vec::new();
    let mut memberships = Vec::new();
    for (n, net) in networks.iter().enumerate() {
        for p in 1..=PARTNERS {
            let ods = format!("ZZ{:02}{p}", n + 1);
            providers.push(synthetic_provider(
                &ods,
                &format!("{} Partner Hospital {p} (synthetic)", net.name),
                Nation::England,
            ));
            codes.push(ods.clone());
            memberships.push(network_membership::ActiveModel {
                id: NotSet,
                network_code: Set(net.code.clone()),
                provider_ods: Set(ods),
                role: Set(MembershipRole::Partner),
                valid_from: Set(from),
                valid_to: Set(None),
                verified: Set(false),
                note: Set(Some("synthetic demo partner".into())),
            });
        }
    }
    for (ods, name) in [
        ("ZZW01", "North Wales Spinal Unit (synthetic)"),
        ("ZZW02", "South Wales Spinal Unit (synthetic)"),
    ] {
        providers.push(synthetic_provider(ods, name, Nation::Wales));
        codes.push(ods.to_owned());
    }
    // The first partner of each network and the Welsh units get named contacts.
    let with_contacts = codes.iter().filter(|ods| ods.ends_with('1'));
    let mut contacts = Vec::new();
    for ods in with_contacts {
        for (role, title) in [
            (ContactRole::LeadClinician, "Lead Clinician"),
            (ContactRole::Ceo, "Chief Executive"),
            (ContactRole::MedicalDirector, "Medical Director"),
        ] {
            let slug = title.to_lowercase().replace(' ', ".");
            contacts.push(provider_contact::ActiveModel {
                provider_ods: Set(ods.clone()),
                role: Set(role),
                name: Set(format!("{title} of {ods} (synthetic)")),
                email: Set(format!("{slug}.{}@example.org", ods.to_lowercase())),
                phone: Set(Some("0300 000 0000".into())),
                updated_at: Set(now),
            });
        }
    }
    let rows = providers.len() + memberships.len() + contacts.len();
    provider::Entity::insert_many(providers).exec(txn).await?;
    network_membership::Entity::insert_many(memberships)
        .exec(txn)
        .await?;
    provider_contact::Entity::insert_many(contacts)
        .exec(txn)
        .await?;
    record_loaded(txn, DATASET, rows, now).await?;
    work.commit().await.map_err(|e| DbErr::Custom(e.cause()))?;
    Ok(true)
}

fn synthetic_provider(ods: &str, name: &str, nation: Nation) -> provider::ActiveModel {
    provider::ActiveModel {
        ods_code: Set(ods.to_owned()),
        name: Set(name.to_owned()),
        nation: Set(nation),
        synthetic: Set(true),
    }
}

/// Wessex's board in part: clinical representatives of the two hubs and one partner, the
/// management of one hub, a patient representative and a commissioner. No posts are recorded,
/// so the chair is a gap too, as are the other partners, the second hub's management, the
/// regional AHP, the third sector and radiology.
async fn load_board(state: &AppState) -> Result<bool, DbErr> {
    use entities::board_member;
    use entities::enums::{BoardSeat, Profession};
    let work = UnitOfWork::begin(state)
        .await
        .map_err(|e| DbErr::Custom(e.cause()))?;
    let (txn, now) = (work.db(), work.now);
    lock_datasets(txn).await?;
    if is_loaded(txn, BOARD).await?
        || network::Entity::find_by_id("WESSEX")
            .one(txn)
            .await?
            .is_none()
    {
        return Ok(false);
    }
    let from =
        NaiveDate::from_ymd_opt(2024, 4, 1).ok_or_else(|| DbErr::Custom("bad date".into()))?;
    let member = |seat, name: &str, organisation: Option<&str>, employer: &str, profession| {
        board_member::ActiveModel {
            id: NotSet,
            network_code: Set("WESSEX".into()),
            seat: Set(seat),
            name: Set(format!("{name} (synthetic)")),
            organisation_code: Set(organisation.map(str::to_owned)),
            main_employer: Set(employer.to_owned()),
            profession: Set(profession),
            specialty: Set(None),
            valid_from: Set(from),
            valid_to: Set(None),
            recorded_at: Set(now),
        }
    };
    let members = vec![
        member(
            BoardSeat::ClinicalRepresentative,
            "Spinal surgeon of RHM",
            Some("RHM"),
            "RHM",
            Some(Profession::SpinalSurgeon),
        ),
        member(
            BoardSeat::ClinicalRepresentative,
            "Spinal nurse of RHU",
            Some("RHU"),
            "RHU",
            Some(Profession::Nurse),
        ),
        member(
            BoardSeat::ClinicalRepresentative,
            "Physiotherapist of ZZ121",
            Some("ZZ121"),
            "ZZ121",
            Some(Profession::Physiotherapist),
        ),
        member(
            BoardSeat::HubManagement,
            "Service manager of RHM",
            Some("RHM"),
            "RHM",
            Some(Profession::Manager),
        ),
        member(
            BoardSeat::PatientRepresentative,
            "Patient representative",
            None,
            "independent",
            None,
        ),
        member(
            BoardSeat::Commissioner,
            "Specialised commissioner of QRL",
            Some("QRL"),
            "QRL",
            None,
        ),
    ];
    let rows = members.len();
    board_member::Entity::insert_many(members).exec(txn).await?;
    record_loaded(txn, BOARD, rows, now).await?;
    work.commit().await.map_err(|e| DbErr::Custom(e.cause()))?;
    Ok(true)
}

/// `LVHC_READMISSION_30D` for July to September 2023 (before any period the tests write) at
/// Wessex's two hubs and at Plymouth (Peninsula), each with the patients' ICB of residence:
/// Hampshire and the Isle of Wight's (QRL) residents are treated in both networks, and
/// Southampton treats Dorset's (QVV) too, so
/// `indicatorAggregate(area: { kind: ICB, code: "QRL" }, lens: POPULATION)` differs from the
/// provider lens. Written through the submission service as an import would; a second load
/// changes nothing (identical values are unchanged).
async fn load_residence(state: &AppState) -> Result<bool, DbErr> {
    if is_loaded(&state.db, RESIDENCE).await? {
        return Ok(false);
    }
    /// A provider, its patients in the first month, and its residence ICBs with their share.
    type Treated<'a> = (&'a str, u32, &'a [(&'a str, u32)]);
    let providers: [Treated; 3] = [
        ("RHM", 120, &[("QRL", 70), ("QVV", 30)]),
        ("RHU", 80, &[("QRL", 90)]),
        ("RK9", 100, &[("QJK", 85), ("QRL", 10)]),
    ];
    let mut csv = String::from(
        "indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status\n",
    );
    for (month, period) in ["2023-07-01", "2023-08-01", "2023-09-01"]
        .iter()
        .enumerate()
    {
        for (ods, total, residences) in providers {
            let total = total + 10 * month as u32;
            let readmitted = |patients: u32| patients * 6 / 100;
            csv.push_str(&format!(
                "LVHC_READMISSION_30D,{ods},{period},,,{},{total},,VALIDATED\n",
                readmitted(total)
            ));
            for (icb, share) in residences {
                let patients = total * share / 100;
                csv.push_str(&format!(
                    "LVHC_READMISSION_30D,{ods},{period},RESIDENCE_ICB,{icb},{},{patients},,VALIDATED\n",
                    readmitted(patients)
                ));
            }
        }
    }
    let lines = crate::import::read_lines(csv.as_bytes()).map_err(DbErr::Custom)?;
    let operator = crate::import::operator("demo").map_err(DbErr::Custom)?;
    let outcome = graphql::service::submission::submit(state, &operator, lines, "DEMO", None)
        .await
        .map_err(|e| DbErr::Custom(e.cause()))?;
    let work = UnitOfWork::begin(state)
        .await
        .map_err(|e| DbErr::Custom(e.cause()))?;
    let (txn, now) = (work.db(), work.now);
    lock_datasets(txn).await?;
    if !is_loaded(txn, RESIDENCE).await? {
        record_loaded(txn, RESIDENCE, outcome.rows, now).await?;
    }
    work.commit().await.map_err(|e| DbErr::Custom(e.cause()))?;
    Ok(true)
}
