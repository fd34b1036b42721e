//! Where a request goes: which operation of which API (core's table) a method and emulator
//! path name, and which account the request authenticates as. The fault rules, the
//! inspector and the rate limit all ask here, so that they agree on both.

use axum::http::HeaderMap;
use credspec_core::api::{APIS, Api, AuthScheme};

use crate::Shared;

/// A request to one of an API's operations.
#[derive(Debug)]
pub(crate) struct Place<'a> {
    pub(crate) api: &'static Api,
    pub(crate) operation: &'static str,
    pub(crate) method: &'a str,
    /// The path as the vendor's host sees it.
    pub(crate) path: &'a str,
}

impl<'a> Place<'a> {
    /// The operation `method` on the emulator path `path` is, if any.
    pub(crate) fn of(method: &'a str, path: &'a str) -> Option<Self> {
        APIS.iter().find_map(|api| {
            let regional = credspec_core::api::TWILIO_REGIONS
                .iter()
                .filter(|_| api.regional);
            api.sites.iter().find_map(|site| {
                std::iter::once(site.prefix.to_owned())
                    .chain(regional.clone().map(|r| site.prefix_in(r.id)))
                    .find_map(|prefix| {
                        let vendor = path.strip_prefix(prefix.as_str())?;
                        let operation = api.operation(method, vendor)?;
                        Some(Place {
                            api,
                            operation: operation.id,
                            method,
                            path: vendor,
                        })
                    })
            })
        })
    }

    /// The account the request authenticates as with `headers`: a Twilio account SID (an
    /// API key acts for its account) or a Telnyx key's `user_id`; `None` when it does not
    /// authenticate (the API answers it 401 itself).
    pub(crate) fn account(&self, shared: &Shared, headers: &HeaderMap) -> Option<String> {
        match self.api.auth {
            AuthScheme::Bearer => shared
                .accounts
                .telnyx(headers)
                .ok()
                .map(|id| id.to_string()),
            AuthScheme::TwilioBasic => shared
                .accounts
                .twilio(headers)
                .ok()
                .map(|id| id.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credspec_core::api::ApiId;

    #[test]
    fn places_name_api_operation_and_vendor_path() {
        let place = Place::of("POST", "/twilio/au1/notify/v1/Credentials/CR1").unwrap();
        assert_eq!(
            (place.api.id, place.operation, place.path),
            (
                ApiId::TwilioNotifyV1,
                "UpdateCredential",
                "/v1/Credentials/CR1"
            )
        );
        let place = Place::of("GET", "/telnyx/v2/telephony_credentials").unwrap();
        assert_eq!(place.operation, "FindTelephonyCredentials");
        assert!(Place::of("PUT", "/telnyx/v2/telephony_credentials").is_none());
        assert!(Place::of("GET", "/healthz").is_none());
    }
}
