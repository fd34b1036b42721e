//! Identifier formats of the six APIs, as newtypes that cannot hold an invalid value.
//!
//! Every type validates in one function, parses through `FromStr`/`TryFrom`/serde
//! `Deserialize`, prints through `Display`, and (for ids a server assigns) can be generated
//! from an injected [`RandomSource`](crate::random::RandomSource).

mod comms;
mod telnyx;
mod twilio;

pub use comms::{AppName, CommsCredentialId};
pub use telnyx::{ConnectionId, ResourceId, SipPassword, SipUsername, TelnyxId, UserId};
pub use twilio::{AccountSid, ApiKeySid, CredentialSid, TwilioSid};
