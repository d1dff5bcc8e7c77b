//! The synthetic demo layer (`serve --demo`): partner providers for every network, two Welsh
//! providers, and named contacts for some of them. Every row is marked `synthetic`, every name
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
/// Partners per network.
const PARTNERS: usize = 3;

/// Loads the demo layer unless it is there already; returns whether it loaded.
pub async fn load(state: &AppState) -> Result<bool, DbErr> {
    let providers = load_providers(state).await?;
    let board = load_board(state).await?;
    Ok(providers || board)
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
