//! Which API a request is for: by the emulator's path prefix or by the vendor's host.

use credspec_conformance::spec::ApiId;
use credspec_core::api::{APIS, Site, TWILIO_REGIONS, regional_site};

/// The API a request of `path` (with `Host: host`) is for, and its path as the vendor's host
/// sees it; `None` when it is for no API of core's table.
pub fn route(path: &str, host: Option<&str>) -> Option<(ApiId, String)> {
    let host = host.map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
    let host = host.as_deref().map(|h| h.trim_end_matches('.'));
    APIS.iter().find_map(|api| {
        api.sites.iter().find_map(|site| {
            let by_prefix = path
                .strip_prefix(site.prefix)
                .filter(|rest| rest.starts_with(api.collection_path));
            let by_host = (host == Some(site.host))
                .then_some(path)
                .filter(|p| p.starts_with(api.collection_path));
            by_prefix.or(by_host).map(|rest| (api.id, rest.to_owned()))
        })
    })
}

/// A request for a Twilio API in another processing region than the default (D50).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Regional {
    /// The API.
    pub api: ApiId,
    /// The path as the vendor's regional host sees it.
    pub path: String,
    /// The region (`au1`).
    pub region: &'static str,
    /// The site of the API it addressed (`ip-messaging.twilio.com` for Chat v2 by that name).
    pub site: &'static Site,
}

/// The regional API a request of `path` (with `Host: host`) is for: by the emulator's
/// regional prefix (`/twilio/au1/notify/v1/...`) or by a regional vendor host
/// (`notify.sydney.au1.twilio.com`, as the SDKs build it with a region and edge set).
pub fn route_regional(path: &str, host: Option<&str>) -> Option<Regional> {
    let host = host.map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
    let host = host.as_deref().map(|h| h.trim_end_matches('.'));
    if let Some((api, site, region)) = host.and_then(regional_site)
        && path.starts_with(api.collection_path)
    {
        return Some(Regional {
            api: api.id,
            path: path.to_owned(),
            region: region.id,
            site,
        });
    }
    APIS.iter().filter(|api| api.regional).find_map(|api| {
        api.sites.iter().find_map(|site| {
            TWILIO_REGIONS.iter().find_map(|region| {
                path.strip_prefix(site.regional_prefix(region.id).as_str())
                    .filter(|rest| rest.starts_with(api.collection_path))
                    .map(|rest| Regional {
                        api: api.id,
                        path: rest.to_owned(),
                        region: region.id,
                        site,
                    })
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_regional_prefixes_and_hosts() {
        let by_prefix = route_regional("/twilio/au1/notify/v1/Credentials", None).unwrap();
        assert_eq!(
            (by_prefix.api, by_prefix.path.as_str(), by_prefix.region),
            (ApiId::TwilioNotifyV1, "/v1/Credentials", "au1")
        );
        let by_host = route_regional(
            "/v2/Credentials/CRx",
            Some("ip-messaging.dublin.ie1.twilio.com:443"),
        )
        .unwrap();
        assert_eq!(
            (by_host.api, by_host.region, by_host.site.host),
            (ApiId::TwilioChatV2, "ie1", "ip-messaging.twilio.com")
        );
        assert_eq!(
            route_regional("/v1/Credentials", Some("notify.twilio.com")),
            None
        );
        assert_eq!(route_regional("/twilio/notify/v1/Credentials", None), None);
        assert_eq!(
            route_regional("/telnyx/v2/telephony_credentials", None),
            None
        );
    }

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
        assert_eq!(route("/elsewhere", None), None);
    }
}
