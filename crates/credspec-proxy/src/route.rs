//! Which API a request is for: by the emulator's path prefix or by the vendor's host.

use credspec_conformance::spec::ApiId;
use credspec_core::api::{APIS, Region, Site, TWILIO_DEFAULT_REGION, TWILIO_REGIONS};

/// The API a request of `path` (with `Host: host`) is for, and its path as the vendor's host
/// sees it; `None` when it is for no API of core's table.
pub fn route(path: &str, host: Option<&str>) -> Option<(ApiId, String)> {
    locate(path, host).map(|at| (at.api, at.path))
}

/// Where a request is addressed: its API, the site and Twilio region it names (by the
/// emulator's prefix, `/twilio/au1/notify`, or the vendor's host,
/// `notify.sydney.au1.twilio.com`), and its vendor path.
#[derive(Debug)]
pub(crate) struct Located {
    pub(crate) api: ApiId,
    pub(crate) site: &'static Site,
    pub(crate) region: &'static Region,
    pub(crate) path: String,
}

impl Located {
    /// The site, when it is not the API's first (its base URL's): `ip-messaging.twilio.com`.
    pub(crate) fn other_site(&self) -> Option<&'static str> {
        let first = self.api.api().sites.first();
        (first != Some(self.site)).then_some(self.site.host)
    }

    /// The region, when it is not the default one.
    pub(crate) fn other_region(&self) -> Option<&'static str> {
        (self.region.id != TWILIO_DEFAULT_REGION).then_some(self.region.id)
    }
}

pub(crate) fn locate(path: &str, host: Option<&str>) -> Option<Located> {
    let host = host.map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
    let host = host.as_deref().map(|h| h.trim_end_matches('.'));
    let regional_host = host.and_then(credspec_core::api::regional_site);
    APIS.iter().find_map(|api| {
        let regions = TWILIO_REGIONS
            .iter()
            .filter(|r| api.regional || r.id == TWILIO_DEFAULT_REGION);
        api.sites.iter().find_map(|site| {
            regions.clone().find_map(|region| {
                let by_prefix = path
                    .strip_prefix(site.prefix_in(region.id).as_str())
                    .filter(|rest| rest.starts_with(api.collection_path));
                let host_is_site = if region.id == TWILIO_DEFAULT_REGION {
                    host == Some(site.host)
                } else {
                    regional_host
                        .is_some_and(|(a, s, r)| a.id == api.id && s == site && r.id == region.id)
                };
                let by_host = host_is_site
                    .then_some(path)
                    .filter(|p| p.starts_with(api.collection_path));
                by_prefix.or(by_host).map(|rest| Located {
                    api: api.id,
                    site,
                    region,
                    path: rest.to_owned(),
                })
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_prefix_and_by_host() {
        assert_eq!(
            route("/twilio/notify/v1/Credentials/CRx", None),
            Some((ApiId::TwilioNotifyV1, "/v1/Credentials/CRx".to_owned()))
        );
        assert_eq!(
            route("/telnyx/v2/telephony_credentials", None),
            Some((
                ApiId::TelnyxTelephony,
                "/v2/telephony_credentials".to_owned()
            ))
        );
        assert_eq!(
            route("/v1/Credentials", Some("conversations.twilio.com:443")),
            Some((ApiId::TwilioConversationsV1, "/v1/Credentials".to_owned()))
        );
        assert_eq!(
            route("/v1/Credentials", Some("Notify.Twilio.com.")),
            Some((ApiId::TwilioNotifyV1, "/v1/Credentials".to_owned()))
        );
        assert_eq!(route("/v1/Credentials", Some("example.com")), None);
        // Another site and another Twilio region, by prefix and by host.
        let at = locate("/twilio/ip-messaging/v2/Credentials", None).unwrap();
        assert_eq!(
            (at.api, at.other_site()),
            (ApiId::TwilioChatV2, Some("ip-messaging.twilio.com"))
        );
        let at = locate("/twilio/au1/notify/v1/Credentials/CRx", None).unwrap();
        assert_eq!(
            (at.api, at.other_region(), at.path.as_str()),
            (ApiId::TwilioNotifyV1, Some("au1"), "/v1/Credentials/CRx")
        );
        let at = locate(
            "/v1/Credentials",
            Some("conversations.dublin.ie1.twilio.com"),
        )
        .unwrap();
        assert_eq!(
            (at.api, at.other_site(), at.other_region()),
            (ApiId::TwilioConversationsV1, None, Some("ie1"))
        );
        assert!(locate("/telnyx/au1/v2/telephony_credentials", None).is_none());
        assert_eq!(route("/elsewhere", None), None);
    }
}
