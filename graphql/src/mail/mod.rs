//! Mail in one place: the letters a case calls for (`letter`), written to the outbox in the
//! transition's transaction, and their delivery over SMTP (`outbox`).

pub mod letter;
pub mod outbox;
