//! credspec-telnyx: the wire codecs of Telnyx's mobile push credentials and telephony
//! (on-demand SIP) credentials APIs, for clients and servers alike.
//!
//! Every operation is covered from both sides: a client encodes the request and decodes the
//! response, a server decodes the request and encodes the response. Decoding is as tolerant
//! as Telnyx's own clients (unknown members ignored, unknown `type` values kept); validation
//! is not done here but by [`credspec_core::rules`], to which each request maps with
//! `to_params()`. Nothing here panics on any input, and secrets stay out of `Debug`.
//!
//! It sits between `credspec-core` (its only credspec dependency) and the emulator and
//! conformance runner, which depend on it. It does no I/O: bytes in, types out, and back.
//!
//! - [`envelope`]: `{"data": ...}`, the list envelope with `meta`, and the list queries.
//! - [`mobile_push_credentials`]: create (iOS/Android), list, get, delete; the
//!   [`PushCredential`](mobile_push_credentials::PushCredential) resource.
//! - [`telephony_credentials`]: create, list, get, update, delete, and the HS512 access
//!   token; the [`TelephonyCredential`](telephony_credentials::TelephonyCredential)
//!   resource.
//! - [`error`]: [`DecodeError`](error::DecodeError) and Telnyx's error body, with the codes
//!   credspec uses (10009, 10005, 10015, 10011) and the non-standard expired-update body.
//! - [`translate`]: a vendor-neutral push or SIP credential → the Telnyx create request.
//!
//! # Example
//!
//! ```
//! use credspec_core::material::MaterialPolicy;
//! use credspec_core::rules::{MaterialContext, Profile, check_push_create};
//! use credspec_telnyx::error::ErrorResponse;
//! use credspec_telnyx::mobile_push_credentials::{CreatePushCredentialRequest, PushCredential};
//! use credspec_core::time::macros::datetime;
//!
//! // Server side: decode the request body, validate it with core, answer.
//! let body = br#"{"type":"ios","alias":"LucyIosCredential",
//!     "certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----",
//!     "private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----"}"#;
//! let request = CreatePushCredentialRequest::decode(body)?;
//! let now = datetime!(2021-03-26 17:51:59.588408 UTC);
//! let ctx = MaterialContext::new(MaterialPolicy::AllowPlaceholders, now);
//! // Only vendor rules refuse by default; lint findings come back beside the value.
//! Profile::Vendor
//!     .judge(check_push_create(&request.to_params(), &ctx))
//!     .map_err(|v| ErrorResponse::validation(&v))?;
//! let id = "0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7".parse()?;
//! let credential = PushCredential::from_create(&id, &request, now).ok_or("refused")?;
//! let response = credspec_telnyx::envelope::Data::new(credential).encode();
//! assert!(response.starts_with(br#"{"data":{"id":"0ccc7b54-"#));
//!
//! // Client side: wrong JSON types are typed errors naming the member.
//! let err = CreatePushCredentialRequest::decode(br#"{"type":"ios","alias":5}"#).unwrap_err();
//! assert_eq!(err.to_string(), "/alias: invalid type: integer, expected a string");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod envelope;
pub mod error;
pub mod mobile_push_credentials;
pub mod telephony_credentials;
pub mod translate;
