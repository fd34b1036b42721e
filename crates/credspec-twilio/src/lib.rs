//! credspec-twilio: the wire codecs of Twilio's push credential APIs, for clients and
//! servers alike: Notify v1 and Chat v2 (also served as IP-Messaging v2), which share the
//! classic form-and-JSON format, and the Communications API's push credentials (JSON).
//!
//! Every operation is covered from both sides: a client encodes the request and decodes the
//! response, a server decodes the request and encodes the response. Decoding is as tolerant
//! as Twilio's own clients (unknown parameters and members ignored, unknown types kept);
//! validation is not done here but by [`credspec_core::rules`], to which each request maps
//! with `to_params()`. Nothing here panics on any input, and secrets stay out of `Debug`.
//!
//! It sits between `credspec-core` (its only credspec dependency) and the emulator and
//! conformance runner, which depend on it. It does no I/O: bytes in, types out, and back.
//!
//! - [`classic`]: Notify v1 / Chat v2 create, fetch, list, update, delete; the
//!   [`CredentialResource`](classic::CredentialResource) and the list envelope; the
//!   [`ClassicApi`](classic::ClassicApi) (base URL + version) that builds their URLs.
//! - [`comms`]: Comms v1 create, fetch, list, update (PATCH), delete; the
//!   [`PushNotificationCredential`](comms::PushNotificationCredential), the `202`
//!   [`AcceptedResponse`](comms::AcceptedResponse) and the list envelope.
//! - [`error`]: [`DecodeError`](error::DecodeError), the classic
//!   [`ErrorBody`](error::ErrorBody) and the Comms
//!   [`CommsErrorBody`](error::CommsErrorBody), with the codes credspec uses.
//! - [`translate`]: a vendor-neutral push credential → the Notify/Chat and Comms create
//!   requests, with a typed error where Comms cannot hold it.
//!
//! # Example
//!
//! ```
//! use credspec_core::material::MaterialPolicy;
//! use credspec_core::rules::{MaterialContext, Profile, check_classic_create};
//! use credspec_core::time::macros::datetime;
//! use credspec_twilio::classic::{ClassicApi, CreateCredentialRequest, CredentialResource};
//! use credspec_twilio::error::ErrorBody;
//!
//! // Server side: decode the form, validate it with core, answer.
//! let body = b"Type=APN&FriendlyName=Test+slow+create&Certificate=-----BEGIN+CERTIFICATE-----MIIFnTCCBIWgAwIBAgIIAjy9H849%2BE8w...-----END+CERTIFICATE-----&PrivateKey=-----BEGIN+RSA+PRIVATE+KEY-----MIIEpQIBAAKCAQEAuyf...-----END+RSA+PRIVATE+KEY-----";
//! let request = CreateCredentialRequest::decode(body)?;
//! let now = datetime!(2015-10-07 17:50:01 UTC);
//! let ctx = MaterialContext::new(MaterialPolicy::AllowPlaceholders, now);
//! // Only vendor rules refuse by default; lint findings come back beside the value.
//! let checked = Profile::Vendor
//!     .judge(check_classic_create(&request.to_params(), &ctx))
//!     .map_err(|v| ErrorBody::from_violations(&v))?;
//! assert!(checked.findings.is_empty());
//! let created = checked.value;
//! let sid = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
//! let account = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
//! let api = ClassicApi::notify_v1();
//! let resource = CredentialResource::from_fields(&api, &sid, &account, &created.fields, now, now);
//! assert!(resource.encode().ends_with(br#""type":"apn","sandbox":"False","date_created":"2015-10-07T17:50:01Z","date_updated":"2015-10-07T17:50:01Z","url":"https://notify.twilio.com/v1/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#));
//!
//! // Malformed forms are typed errors naming the parameter.
//! let err = CreateCredentialRequest::decode(b"Type=apn&Type=gcm").unwrap_err();
//! assert_eq!(err.to_string(), "parameter Type is repeated");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod classic;
pub mod comms;
pub mod error;
mod form;
pub mod translate;
