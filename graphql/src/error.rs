//! The one error type of the application, with stable codes in `extensions.code`.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql turns any `Display` error
//! into a client-visible message, so the only way out of a resolver is the `From` impl below, which
//! masks internal causes (logged, never sent). `mask` is the safety net for anything that slips
//! past.

use std::sync::Arc;

use async_graphql::{ErrorExtensionValues, ErrorExtensions, ServerError};

/// Stable error codes clients may branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    InternalServerError,
    /// The document is not valid GraphQL syntax.
    GraphqlParseFailed,
    /// The operation ran longer than the server allows.
    RequestTimeout,
    /// The answer would be larger than the server sends.
    ResponseTooLarge,
    /// An Automatic Persisted Query's hash the server does not hold: send the query with it.
    PersistedQueryNotFound,
    /// The portal runs registered operations only (`PORTAL_REGISTERED_OPERATIONS`), and this is
    /// not one.
    OperationNotRegistered,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::RequestTimeout => "REQUEST_TIMEOUT",
            Self::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::OperationNotRegistered => "OPERATION_NOT_REGISTERED",
        }
    }
}

/// The message shown for every internal error.
pub const INTERNAL_MESSAGE: &str = "Internal server error; the cause has been logged.";

#[derive(Debug, Clone)]
pub enum AppError {
    /// A rule the caller can act on: the message says what to change.
    User { code: ErrorCode, message: String },
    /// Input rejected as a whole, with every problem found (`BAD_USER_INPUT`; the problems go in
    /// `extensions.problems` as `{line, reason}`).
    Rejected {
        message: String,
        problems: Vec<Problem>,
    },
    /// Anything else: logged with its cause, masked for the client.
    Internal(Arc<dyn std::error::Error + Send + Sync>),
}

pub type AppResult<T> = Result<T, AppError>;

/// One bad row of a rejected batch: its line (1-based; a file's header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub reason: String,
}

impl AppError {
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::User {
            code: ErrorCode::Unauthenticated,
            message: message.into(),
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::User {
            code: ErrorCode::Forbidden,
            message: message.into(),
        }
    }
    pub fn not_found(what: &str, key: &str) -> Self {
        Self::User {
            code: ErrorCode::NotFound,
            message: format!("No {what} has the code \"{key}\"."),
        }
    }
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::User {
            code: ErrorCode::BadUserInput,
            message: message.into(),
        }
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::User {
            code: ErrorCode::Conflict,
            message: message.into(),
        }
    }
    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Arc::new(cause))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::User { code, .. } => *code,
            Self::Rejected { .. } => ErrorCode::BadUserInput,
            Self::Internal(_) => ErrorCode::InternalServerError,
        }
    }

    /// The client-facing message (never an internal cause).
    pub fn message(&self) -> &str {
        match self {
            Self::User { message, .. } | Self::Rejected { message, .. } => message,
            Self::Internal(_) => INTERNAL_MESSAGE,
        }
    }

    /// What an operator's log says: the cause itself for an internal error (with its chain), the
    /// message otherwise. Never sent to a client.
    pub fn cause(&self) -> String {
        match self {
            Self::Internal(cause) => {
                let mut text = cause.to_string();
                let mut source = cause.source();
                while let Some(inner) = source {
                    text.push_str(": ");
                    text.push_str(&inner.to_string());
                    source = inner.source();
                }
                text
            }
            _ => self.message().to_owned(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::internal(e)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        if let AppError::Internal(_) = &e {
            tracing::error!(error = %e.cause(), "internal error");
        }
        async_graphql::Error::new(e.message()).extend_with(|_, ext| {
            ext.set("code", e.code().as_str());
            if let AppError::Rejected { problems, .. } = &e {
                let problems: Vec<async_graphql::Value> = problems
                    .iter()
                    .map(|p| {
                        let mut row = async_graphql::indexmap::IndexMap::new();
                        row.insert(async_graphql::Name::new("line"), (p.line as u64).into());
                        row.insert(async_graphql::Name::new("reason"), p.reason.clone().into());
                        async_graphql::Value::Object(row)
                    })
                    .collect();
                ext.set("problems", problems);
            }
        })
    }
}

/// The answer of a nullable field. A field that is refused or fails is `null` with its error
/// beside it (GraphQL specification, "Handling Field Errors"); async-graphql instead leaves the
/// key of a failing resolver out of `data` (a lone field then nulls its parent), but it answers
/// `Some(Err(..))` with `null` and records the error at the field's path.
pub type Nullable<T> = Option<async_graphql::Result<T>>;

/// The one way a nullable field answers: write the body with `?` as usual and pass its result.
pub fn nullable<T>(answer: async_graphql::Result<Option<T>>) -> Nullable<T> {
    answer.transpose()
}

/// The safety net behind `AppError`: a field error without a code escaped its conversion; its
/// text (perhaps SQL) is logged, never sent. Argument values that failed to parse are the
/// caller's to fix. Errors without a path (parse and validation) are the request's, and the
/// HTTP edge codes them.
pub fn mask(errors: &mut [ServerError]) {
    for error in errors.iter_mut().filter(|e| !e.path.is_empty()) {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code = if error.message.starts_with("Failed to parse")
            || error.message.starts_with("Invalid value for argument")
        {
            ErrorCode::BadUserInput
        } else {
            tracing::error!(error = %error.message, path = ?error.path, "uncoded error masked");
            error.message = INTERNAL_MESSAGE.to_owned();
            ErrorCode::InternalServerError
        };
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", code.as_str());
    }
}
