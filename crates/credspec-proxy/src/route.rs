//! Which API a request is for: by the emulator's path prefix or by the vendor's host.

use credspec_conformance::spec::ApiId;
use credspec_core::api::APIS;

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
        assert_eq!(route("/elsewhere", None), None);
    }
}
