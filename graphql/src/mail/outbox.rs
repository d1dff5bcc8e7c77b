//! Delivery of the mail outbox over SMTP.
//!
//! Letters are rows written in the transaction of the transition that calls for them, so a
//! letter exists exactly when its transition committed. The dispatcher claims a row (a lease,
//! so instances sharing PostgreSQL never send one row at once), sends it, and marks it sent; a
//! failure leaves it pending with the error and a later attempt (exponential backoff). The
//! claim re-checks the state, so a sent letter is never sent again after a restart; a crash
//! between the server's acceptance and the mark can repeat one letter, which carries the same
//! Message-ID so the receiver can tell.
//!
//! Outside production no letter reaches its addressees: every envelope goes to the redirect
//! address, and the original addressees travel in `X-Portal-Original-To` / `-Cc` headers.
//!
//! Delivery timing (leases, backoff) runs on the wall clock; the case clock only dates letters.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entities::enums::MailState;
use entities::mail_outbox;
use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::Notify;

use crate::error::{AppError, AppResult};
use crate::mail::letter::{AddressLine, Addressee};
use crate::metrics::{Backlog, Metrics};
use crate::state::{AppState, WriteLock};

/// How the dispatcher reaches the mail server and whom it may reach.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// e.g. `smtp://127.0.0.1:1025` or `smtps://user:pass@smtp.example.org`.
    pub smtp_url: String,
    pub from: String,
    /// Where every letter goes outside production; `None` only in production.
    pub redirect: Option<String>,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// How long a claimed letter is held before another dispatcher may take it (longer than
    /// one SMTP exchange).
    pub lease: Duration,
    pub smtp_timeout: Duration,
    /// Letters per pass.
    pub batch: u64,
    /// How often to look for letters due a retry when nothing wakes the dispatcher.
    pub poll: Duration,
}

pub struct Dispatcher {
    db: DatabaseConnection,
    writes: WriteLock,
    metrics: Arc<Metrics>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    redirect: Option<Mailbox>,
    settings: MailSettings,
}

fn mailbox(what: &str, address: &str) -> Result<Mailbox, String> {
    address
        .parse()
        .map_err(|e| format!("{what} \"{address}\" is not a mailbox: {e}"))
}

impl Dispatcher {
    /// A dispatcher for `state`'s database, taking its write lock and counting into its metrics.
    pub fn new(state: &AppState, settings: MailSettings) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
            .map_err(|e| format!("PORTAL_SMTP_URL is not an SMTP URL: {e}"))?
            .timeout(Some(settings.smtp_timeout))
            .build();
        let from = mailbox("PORTAL_MAIL_FROM", &settings.from)?;
        let redirect = settings
            .redirect
            .as_deref()
            .map(|r| mailbox("PORTAL_MAIL_REDIRECT", r))
            .transpose()?;
        Ok(Dispatcher {
            db: state.db.clone(),
            writes: state.writes.clone(),
            metrics: state.metrics.clone(),
            transport,
            from,
            redirect,
            settings,
        })
    }

    /// Sends what is due, then waits to be woken (a transition wrote mail) or for the next
    /// poll; forever.
    pub async fn run(self, wake: Arc<Notify>) {
        loop {
            match self.pass().await {
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e.cause(), "the mail dispatcher's pass failed"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.settings.poll) => {}
            }
        }
    }

    /// One pass: claims and sends up to `batch` due letters; returns how many were attempted.
    pub async fn pass(&self) -> AppResult<usize> {
        let now = Utc::now();
        let due: Vec<mail_outbox::Model> = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::State.eq(MailState::Pending))
            .filter(
                Condition::any()
                    .add(mail_outbox::Column::Attempts.eq(0))
                    .add(mail_outbox::Column::NextAttemptAt.lte(now)),
            )
            .filter(unclaimed(now))
            .order_by_asc(mail_outbox::Column::Id)
            .limit(self.settings.batch)
            .all(&self.db)
            .await?;
        let mut attempted = 0;
        for letter in due {
            if !self.claim(&letter, now).await? {
                continue;
            }
            attempted += 1;
            let attempts = letter.attempts + 1;
            let sent = self.send(&letter).await;
            let waited = (Utc::now() - letter.created_at).to_std().ok();
            self.metrics.letter_attempt(sent.is_ok(), waited);
            let _writes = self.writes.hold(&self.db).await;
            match sent {
                Ok(()) => {
                    mail_outbox::Entity::update_many()
                        .col_expr(mail_outbox::Column::State, Expr::value(MailState::Sent))
                        .col_expr(mail_outbox::Column::SentAt, Expr::value(Utc::now()))
                        .col_expr(
                            mail_outbox::Column::LastError,
                            Expr::value(Option::<String>::None),
                        )
                        .col_expr(
                            mail_outbox::Column::ClaimedUntil,
                            Expr::value(Option::<chrono::DateTime<Utc>>::None),
                        )
                        .filter(mail_outbox::Column::Id.eq(letter.id))
                        .exec(&self.db)
                        .await?;
                    tracing::info!(letter = letter.id, message_id = %letter.message_id, request_id = letter.request_id.as_deref(), "letter sent");
                }
                Err(error) => {
                    let wait = self.backoff(attempts);
                    let next = Utc::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                    mail_outbox::Entity::update_many()
                        .col_expr(
                            mail_outbox::Column::LastError,
                            Expr::value(Some(error.clone())),
                        )
                        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
                        .col_expr(
                            mail_outbox::Column::ClaimedUntil,
                            Expr::value(Option::<chrono::DateTime<Utc>>::None),
                        )
                        .filter(mail_outbox::Column::Id.eq(letter.id))
                        .exec(&self.db)
                        .await?;
                    tracing::warn!(letter = letter.id, request_id = letter.request_id.as_deref(), attempts, error = %without_addresses(&error), retry_in_ms = wait.as_millis() as u64, "letter not sent; it will be retried");
                }
            }
        }
        Ok(attempted)
    }

    /// Takes the letter if it is still pending and nobody holds it, counting the attempt.
    async fn claim(
        &self,
        letter: &mail_outbox::Model,
        now: chrono::DateTime<Utc>,
    ) -> AppResult<bool> {
        let lease = chrono::Duration::from_std(self.settings.lease).map_err(AppError::internal)?;
        let _writes = self.writes.hold(&self.db).await;
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(
                mail_outbox::Column::ClaimedUntil,
                Expr::value(Some(now + lease)),
            )
            // Should this dispatcher die holding it, the letter is due again when the lease ends.
            .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now + lease))
            .col_expr(
                mail_outbox::Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(mail_outbox::Column::Attempts), 1),
            )
            .filter(mail_outbox::Column::Id.eq(letter.id))
            .filter(mail_outbox::Column::State.eq(MailState::Pending))
            .filter(unclaimed(now))
            .exec(&self.db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    fn backoff(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(16);
        self.settings
            .retry_base
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.settings.retry_max)
    }

    async fn send(&self, letter: &mail_outbox::Model) -> Result<(), String> {
        let addressees: Vec<Addressee> =
            serde_json::from_value(letter.recipients.clone()).map_err(|e| e.to_string())?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(letter.subject.clone())
            .message_id(Some(letter.message_id.clone()))
            .header(ContentType::TEXT_PLAIN);
        let listed = |line: AddressLine| -> Vec<String> {
            addressees
                .iter()
                .filter(|a| a.kind == line)
                .map(|a| a.address.clone())
                .collect()
        };
        match &self.redirect {
            Some(redirect) => {
                builder = builder.to(redirect.clone());
                for (name, line) in [
                    ("X-Portal-Original-To", AddressLine::To),
                    ("X-Portal-Original-Cc", AddressLine::Cc),
                ] {
                    let list = listed(line);
                    if !list.is_empty() {
                        let header = HeaderName::new_from_ascii(name.to_owned())
                            .map_err(|e| e.to_string())?;
                        builder = builder.raw_header(HeaderValue::new(header, list.join(", ")));
                    }
                }
                let envelope =
                    Envelope::new(Some(self.from.email.clone()), vec![redirect.email.clone()])
                        .map_err(|e| e.to_string())?;
                builder = builder.envelope(envelope);
            }
            None => {
                for address in listed(AddressLine::To) {
                    builder = builder.to(mailbox("recipient", &address)?);
                }
                for address in listed(AddressLine::Cc) {
                    builder = builder.cc(mailbox("recipient", &address)?);
                }
            }
        }
        let message = builder
            .body(letter.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The letters not yet sent, as at `now` (the clock that dated them): two statements, for
/// `GET /metrics`.
pub async fn backlog(db: &DatabaseConnection, now: chrono::DateTime<Utc>) -> AppResult<Backlog> {
    let pending = || {
        mail_outbox::Entity::find()
            .select_only()
            .filter(mail_outbox::Column::State.eq(MailState::Pending))
    };
    let (letters, retrying): (i64, Option<i64>) = pending()
        .column_as(
            Expr::from(Func::count(Expr::col(mail_outbox::Column::Id))),
            "letters",
        )
        .column_as(
            Expr::cust("SUM(CASE WHEN last_error IS NULL THEN 0 ELSE 1 END)"),
            "retrying",
        )
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let oldest: Option<chrono::DateTime<Utc>> = pending()
        .column(mail_outbox::Column::CreatedAt)
        .order_by_asc(mail_outbox::Column::CreatedAt)
        .into_tuple()
        .one(db)
        .await?;
    Ok(Backlog {
        pending: letters,
        retrying: retrying.unwrap_or(0),
        oldest_pending: oldest.map(|at| (now - at).to_std().unwrap_or_default()),
    })
}

/// `error` for the log: a mail server's reply or a refused mailbox may quote an address, which
/// is personal data; each word holding an `@` becomes `<address>` (`last_error`, for
/// administrators, keeps the whole text).
fn without_addresses(error: &str) -> String {
    error
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn unclaimed(now: chrono::DateTime<Utc>) -> Condition {
    Condition::any()
        .add(mail_outbox::Column::ClaimedUntil.is_null())
        .add(mail_outbox::Column::ClaimedUntil.lt(now))
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn log_lines_quote_no_address() {
        assert_eq!(
            without_addresses("permanent error (550): 5.1.1 <ceo@trust.nhs.uk>: user unknown"),
            "permanent error (550): 5.1.1 <address> user unknown"
        );
        assert_eq!(
            without_addresses("recipient \"x@y\" is not a mailbox"),
            "recipient <address> is not a mailbox"
        );
    }
}
