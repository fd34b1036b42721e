//! The one table of APIs: every vendor fact that more than one layer needs, in [`APIS`].
//!
//! The codecs, the emulator, the conformance runner and the CLI all read this table, and
//! none of them lists the APIs again: they walk [`APIS`] or dispatch on an API's
//! [`Shape`], never on its id. Adding an API is one row here, one `specs/` directory and,
//! for a new [`Shape`], its codec wiring; a registry test (in the CLI, the crate that sees
//! every layer) fails while any layer lacks it. The enums are exhaustive on purpose: a new
//! variant is a compile error in every layer that has not handled it yet.

use std::fmt;
use std::str::FromStr;

/// One API of the table, as named in `specs/` (`twilio/notify-v1`): the directory of its
/// documents and the `api` member of its cases.
///
/// Each variant has its row in [`APIS`], at the position of its discriminant (a compile-time
/// check enforces it), so [`ApiId::api`] is a plain look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ApiId {
    /// Twilio Notify v1 Credentials.
    TwilioNotifyV1,
    /// Twilio Chat v2 (and IP-Messaging v2) Credentials.
    TwilioChatV2,
    /// Twilio Conversations v1 Credentials.
    TwilioConversationsV1,
    /// Twilio Comms push credentials.
    TwilioCommsV1,
    /// Telnyx mobile push credentials.
    TelnyxMobilePush,
    /// Telnyx telephony credentials.
    TelnyxTelephony,
}

/// Whose API it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// Twilio.
    Twilio,
    /// Telnyx.
    Telnyx,
}

impl Vendor {
    /// `twilio` or `telnyx`, as in ids and paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Twilio => "twilio",
            Self::Telnyx => "telnyx",
        }
    }
}

/// The wire format an API shares with its siblings: which codec reads it and which rules
/// apply. Layers dispatch on this, so an API of a known shape needs no code of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Twilio's classic `CR...` push credential (form bodies, `{code, message, more_info,
    /// status}` errors), which Notify v1, Chat v2, IP-Messaging v2 and Conversations v1 all
    /// manage as one account-level resource (decision D48).
    TwilioClassic {
        /// The largest `PageSize` a list accepts.
        page_size_max: u32,
        /// Whether an update may change `Type` (Conversations v1 only).
        type_on_update: bool,
    },
    /// Twilio Comms push credentials (JSON, `{errors: [...]}`).
    TwilioComms,
    /// Telnyx mobile push credentials.
    TelnyxMobilePush,
    /// Telnyx telephony (SIP) credentials.
    TelnyxTelephony,
}

/// Which error body an API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorFormat {
    /// `{code, message, more_info, status}` with an integer code.
    TwilioClassic,
    /// `{errors: [{code, message, infoUrl, context}]}` with integer codes.
    TwilioComms,
    /// `{errors: [{code, title, detail, source, meta}]}` with string codes.
    Telnyx,
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// HTTP Basic with the account SID and auth token, or an API key SID and secret.
    TwilioBasic,
    /// `Authorization: Bearer` with an API key.
    Bearer,
}

/// Where an API is served: the vendor's host and the emulator's path prefix for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Site {
    /// The vendor's host (`notify.twilio.com`).
    pub host: &'static str,
    /// The emulator's path prefix standing for that host (`/twilio/notify`).
    pub prefix: &'static str,
}

/// The operation that deletes one resource, and its success status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Delete {
    /// Its operationId (`DeleteCredential`).
    pub operation: &'static str,
    /// Its success status (204; 202 for Comms; 200 for Telnyx telephony).
    pub status: u16,
    /// Whether that answer has a body (Comms' 202 and Telnyx telephony's 200 do).
    pub body: bool,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Api {
    /// Its id.
    pub id: ApiId,
    /// Its id as text: the directory under `specs/` (`twilio/notify-v1`).
    pub name: &'static str,
    /// Its name for people (`Twilio Notify v1`).
    pub title: &'static str,
    /// Its vendor.
    pub vendor: Vendor,
    /// Its wire format.
    pub shape: Shape,
    /// Where it is served; the first is where its documented examples point.
    pub sites: &'static [Site],
    /// The version segment of its paths (`v1`).
    pub version: &'static str,
    /// The collection's path (`/v1/Credentials`); one resource is `{collection}/{id}`.
    pub collection_path: &'static str,
    /// The JSON pointer to a created resource's id in the create answer (`/sid`).
    pub id_pointer: &'static str,
    /// Its error body.
    pub error_format: ErrorFormat,
    /// Its authentication.
    pub auth: AuthScheme,
    /// The end of the variable naming its base URL for the runner: `CREDSPEC_TARGET_` +
    /// this (`TWILIO_NOTIFY`).
    pub env_suffix: &'static str,
    /// The operation that deletes.
    pub delete: Delete,
    /// The account state it keeps: APIs of one store see each other's writes (the classic
    /// Twilio APIs, decision D48), so a client of one must not assume it is alone in it.
    pub store: &'static str,
    /// Whether it is also served in Twilio's other processing regions ([`TWILIO_REGIONS`]),
    /// each with a store of its own (decision D50).
    pub regional: bool,
}

impl Site {
    /// The site of `host`, at `prefix` on the emulator.
    pub const fn new(host: &'static str, prefix: &'static str) -> Self {
        Self { host, prefix }
    }

    /// The product label of its host (`notify` of `notify.twilio.com`).
    pub fn product(&self) -> &'static str {
        self.host.split('.').next().unwrap_or(self.host)
    }

    /// Its host in `region` through `edge`: `{product}.{edge}.{region}.twilio.com`, as the
    /// Twilio SDKs build it when a region or edge is set.
    pub fn regional_host(&self, edge: &str, region: &str) -> String {
        format!("{}.{edge}.{region}.twilio.com", self.product())
    }

    /// Its prefix in `region`: its own (`/twilio/notify`) for the default region, the
    /// regional one ([`Site::regional_prefix`]) for another.
    pub fn prefix_in(&self, region: &str) -> String {
        if region == TWILIO_DEFAULT_REGION {
            self.prefix.to_owned()
        } else {
            self.regional_prefix(region)
        }
    }

    /// Its host in `region`: its own (`notify.twilio.com`) for the default region, the
    /// regional one through the region's edge ([`Site::regional_host`]) for another.
    pub fn host_in(&self, region: &Region) -> String {
        if region.id == TWILIO_DEFAULT_REGION {
            self.host.to_owned()
        } else {
            self.regional_host(region.edge, region.id)
        }
    }

    /// Its emulator prefix in `region`, for clients that change only the base URL:
    /// `/twilio/{region}/{product}` (`/twilio/au1/notify`).
    pub fn regional_prefix(&self, region: &str) -> String {
        let (vendor, product) = self
            .prefix
            .trim_start_matches('/')
            .split_once('/')
            .unwrap_or(("twilio", self.product()));
        format!("/{vendor}/{region}/{product}")
    }
}

/// A Twilio processing region and the edge location its traffic enters by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Region {
    /// Its id (`au1`).
    pub id: &'static str,
    /// Its edge location (`sydney`).
    pub edge: &'static str,
}

/// The default region: a host without region (`notify.twilio.com`) is in it.
pub const TWILIO_DEFAULT_REGION: &str = "us1";

/// Twilio's processing regions that the Twilio CLI and SDKs address, with each one's edge
/// (Twilio's Global Infrastructure pages; decision D50).
pub const TWILIO_REGIONS: &[Region] = &[
    Region {
        id: "us1",
        edge: "ashburn",
    },
    Region {
        id: "ie1",
        edge: "dublin",
    },
    Region {
        id: "au1",
        edge: "sydney",
    },
    Region {
        id: "jp1",
        edge: "tokyo",
    },
];

/// Twilio's public edge locations: any of them reaches any region.
pub const TWILIO_EDGES: &[&str] = &[
    "ashburn",
    "umatilla",
    "dublin",
    "frankfurt",
    "sao-paulo",
    "singapore",
    "sydney",
    "tokyo",
    "roaming",
];

/// The region a Twilio region id names.
pub fn twilio_region(id: &str) -> Option<&'static Region> {
    TWILIO_REGIONS.iter().find(|r| r.id == id)
}

/// The API, site and region of a regional host (`notify.sydney.au1.twilio.com`): a product
/// host of a regional API of the table, a known edge and a known region.
pub fn regional_site(host: &str) -> Option<(&'static Api, &'static Site, &'static Region)> {
    let rest = host.strip_suffix(".twilio.com")?;
    let mut labels = rest.splitn(3, '.');
    let (product, edge, region) = (labels.next()?, labels.next()?, labels.next()?);
    if !TWILIO_EDGES.contains(&edge) {
        return None;
    }
    let region = twilio_region(region)?;
    APIS.iter()
        .filter(|api| api.regional)
        .flat_map(|api| api.sites.iter().map(move |site| (api, site)))
        .find(|(_, site)| site.product() == product)
        .map(|(api, site)| (api, site, region))
}

const fn site(host: &'static str, prefix: &'static str) -> Site {
    Site::new(host, prefix)
}

/// The classic shape with Notify's and Chat's limits.
const CLASSIC: Shape = Shape::TwilioClassic {
    page_size_max: crate::rules::CLASSIC_PAGE_SIZE.1,
    type_on_update: false,
};

const DELETE_CREDENTIAL: Delete = Delete {
    operation: "DeleteCredential",
    status: 204,
    body: false,
};

/// Every API, in the order of [`ApiId`]'s variants.
pub const APIS: [Api; 6] = [
    Api {
        id: ApiId::TwilioNotifyV1,
        name: "twilio/notify-v1",
        title: "Twilio Notify v1",
        vendor: Vendor::Twilio,
        shape: CLASSIC,
        sites: &[site("notify.twilio.com", "/twilio/notify")],
        version: "v1",
        collection_path: "/v1/Credentials",
        id_pointer: "/sid",
        error_format: ErrorFormat::TwilioClassic,
        auth: AuthScheme::TwilioBasic,
        env_suffix: "TWILIO_NOTIFY",
        delete: DELETE_CREDENTIAL,
        store: "twilio/classic",
        regional: true,
    },
    Api {
        id: ApiId::TwilioChatV2,
        name: "twilio/chat-v2",
        title: "Twilio Chat v2 / IP-Messaging v2",
        vendor: Vendor::Twilio,
        shape: CLASSIC,
        sites: &[
            site("chat.twilio.com", "/twilio/chat"),
            site("ip-messaging.twilio.com", "/twilio/ip-messaging"),
        ],
        version: "v2",
        collection_path: "/v2/Credentials",
        id_pointer: "/sid",
        error_format: ErrorFormat::TwilioClassic,
        auth: AuthScheme::TwilioBasic,
        env_suffix: "TWILIO_CHAT",
        delete: DELETE_CREDENTIAL,
        store: "twilio/classic",
        regional: true,
    },
    Api {
        id: ApiId::TwilioConversationsV1,
        name: "twilio/conversations-v1",
        title: "Twilio Conversations v1",
        vendor: Vendor::Twilio,
        shape: Shape::TwilioClassic {
            page_size_max: 100,
            type_on_update: true,
        },
        sites: &[site("conversations.twilio.com", "/twilio/conversations")],
        version: "v1",
        collection_path: "/v1/Credentials",
        id_pointer: "/sid",
        error_format: ErrorFormat::TwilioClassic,
        auth: AuthScheme::TwilioBasic,
        env_suffix: "TWILIO_CONVERSATIONS",
        delete: DELETE_CREDENTIAL,
        store: "twilio/classic",
        regional: true,
    },
    Api {
        id: ApiId::TwilioCommsV1,
        name: "twilio/comms-v1",
        title: "Twilio Comms",
        vendor: Vendor::Twilio,
        shape: Shape::TwilioComms,
        sites: &[site("comms.twilio.com", "/twilio/comms")],
        version: "v1",
        collection_path: "/v1/PushNotifications/Credentials",
        id_pointer: "/resourceId",
        error_format: ErrorFormat::TwilioComms,
        auth: AuthScheme::TwilioBasic,
        env_suffix: "TWILIO_COMMS",
        delete: Delete {
            operation: "DeletePushCredential",
            status: 202,
            body: true,
        },
        store: "twilio/comms-v1",
        regional: false,
    },
    Api {
        id: ApiId::TelnyxMobilePush,
        name: "telnyx/mobile-push-credentials",
        title: "Telnyx mobile push credentials",
        vendor: Vendor::Telnyx,
        shape: Shape::TelnyxMobilePush,
        sites: &[site("api.telnyx.com", "/telnyx")],
        version: "v2",
        collection_path: "/v2/mobile_push_credentials",
        id_pointer: "/data/id",
        error_format: ErrorFormat::Telnyx,
        auth: AuthScheme::Bearer,
        env_suffix: "TELNYX_PUSH",
        delete: Delete {
            operation: "DeletePushCredentialById",
            status: 204,
            body: false,
        },
        store: "telnyx/mobile-push-credentials",
        regional: false,
    },
    Api {
        id: ApiId::TelnyxTelephony,
        name: "telnyx/telephony-credentials",
        title: "Telnyx telephony credentials",
        vendor: Vendor::Telnyx,
        shape: Shape::TelnyxTelephony,
        sites: &[site("api.telnyx.com", "/telnyx")],
        version: "v2",
        collection_path: "/v2/telephony_credentials",
        id_pointer: "/data/id",
        error_format: ErrorFormat::Telnyx,
        auth: AuthScheme::Bearer,
        env_suffix: "TELNYX_TELEPHONY",
        delete: Delete {
            operation: "DeleteTelephonyCredential",
            status: 200,
            body: true,
        },
        store: "telnyx/telephony-credentials",
        regional: false,
    },
];

// Each row sits at its id's discriminant, so `ApiId::api` cannot miss.
const _: () = {
    let mut i = 0;
    while i < APIS.len() {
        assert!(APIS[i].id as usize == i, "APIS is out of ApiId's order");
        i += 1;
    }
};

impl ApiId {
    /// Every API, in the table's order.
    pub const ALL: [Self; APIS.len()] = {
        let mut all = [Self::TwilioNotifyV1; APIS.len()];
        let mut i = 0;
        while i < APIS.len() {
            all[i] = APIS[i].id;
            i += 1;
        }
        all
    };

    /// Its row of the table.
    pub const fn api(self) -> &'static Api {
        &APIS[self as usize]
    }

    /// Its id as text (`twilio/notify-v1`).
    pub const fn as_str(self) -> &'static str {
        self.api().name
    }

    /// Its vendor.
    pub const fn vendor(self) -> Vendor {
        self.api().vendor
    }

    /// Its error body.
    pub const fn error_format(self) -> ErrorFormat {
        self.api().error_format
    }

    /// The variable naming its base URL for the conformance runner
    /// (`CREDSPEC_TARGET_TWILIO_NOTIFY`).
    pub fn env_var(self) -> String {
        format!("CREDSPEC_TARGET_{}", self.api().env_suffix)
    }
}

impl Api {
    /// The path of one resource (`/v1/Credentials/{id}`).
    pub fn item_path(&self, id: &str) -> String {
        format!("{}/{id}", self.collection_path)
    }

    /// Its operations, as its OpenAPI document under `specs/` declares them.
    pub const fn operations(&self) -> &'static [Operation] {
        match self.shape {
            Shape::TwilioClassic { .. } => CLASSIC_OPERATIONS,
            Shape::TwilioComms => COMMS_OPERATIONS,
            Shape::TelnyxMobilePush => PUSH_OPERATIONS,
            Shape::TelnyxTelephony => TELEPHONY_OPERATIONS,
        }
    }

    /// The operation that `method` on `path` (a path as the vendor's host sees it,
    /// `/v1/Credentials/CR...`) is, if any: `{...}` in an operation's path stands for one
    /// non-empty segment.
    pub fn operation(&self, method: &str, path: &str) -> Option<&'static Operation> {
        self.operations_at(path)
            .find(|op| op.method.eq_ignore_ascii_case(method))
    }

    /// Every operation whose path `path` is, whatever its method: empty for a path the API
    /// does not serve; without the method of a request, that method is not allowed there
    /// (405, decision D40).
    pub fn operations_at<'p>(
        &self,
        path: &'p str,
    ) -> impl Iterator<Item = &'static Operation> + use<'p> {
        let rest = path.strip_prefix(self.collection_path);
        self.operations().iter().filter(move |op| {
            rest.is_some_and(|rest| {
                let mut want = op.suffix.split('/');
                let mut have = rest.split('/');
                loop {
                    match (want.next(), have.next()) {
                        (None, None) => break true,
                        (Some(w), Some(h)) if w.starts_with('{') => {
                            if h.is_empty() {
                                break false;
                            }
                        }
                        (Some(w), Some(h)) if w == h => {}
                        _ => break false,
                    }
                }
            })
        })
    }
}

/// One operation of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// Its operationId (`CreateCredential`).
    pub id: &'static str,
    /// Its HTTP method, upper-case.
    pub method: &'static str,
    /// Its path after the collection path: `""` (the collection), `"/{id}"` (one resource),
    /// `"/{id}/token"`.
    pub suffix: &'static str,
}

const fn op(id: &'static str, method: &'static str, suffix: &'static str) -> Operation {
    Operation { id, method, suffix }
}

const CLASSIC_OPERATIONS: &[Operation] = &[
    op("ListCredential", "GET", ""),
    op("CreateCredential", "POST", ""),
    op("FetchCredential", "GET", "/{Sid}"),
    op("UpdateCredential", "POST", "/{Sid}"),
    op("DeleteCredential", "DELETE", "/{Sid}"),
];

const COMMS_OPERATIONS: &[Operation] = &[
    op("ListPushCredentials", "GET", ""),
    op("CreatePushCredential", "POST", ""),
    op("FetchPushCredential", "GET", "/{credentialId}"),
    op("UpdatePushCredential", "PATCH", "/{credentialId}"),
    op("DeletePushCredential", "DELETE", "/{credentialId}"),
];

const PUSH_OPERATIONS: &[Operation] = &[
    op("ListPushCredentials", "GET", ""),
    op("CreatePushCredential", "POST", ""),
    op("GetPushCredentialById", "GET", "/{push_credential_id}"),
    op(
        "DeletePushCredentialById",
        "DELETE",
        "/{push_credential_id}",
    ),
];

const TELEPHONY_OPERATIONS: &[Operation] = &[
    op("FindTelephonyCredentials", "GET", ""),
    op("CreateTelephonyCredential", "POST", ""),
    op("GetTelephonyCredential", "GET", "/{id}"),
    op("UpdateTelephonyCredential", "PATCH", "/{id}"),
    op("DeleteTelephonyCredential", "DELETE", "/{id}"),
    op("CreateTelephonyCredentialToken", "POST", "/{id}/token"),
];

impl fmt::Display for ApiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no API of the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown API {0:?} (expected one of: {list})", list = ApiId::ALL.map(ApiId::as_str).join(", "))]
pub struct UnknownApi(pub String);

impl FromStr for ApiId {
    type Err = UnknownApi;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownApi(s.to_owned()))
    }
}

impl<'de> serde::Deserialize<'de> for ApiId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for ApiId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl ApiId {
    /// An API by its id (`twilio/notify-v1`) or its last segment (`notify-v1`).
    pub fn from_name(name: &str) -> Result<Self, UnknownApi> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == name || a.as_str().rsplit('/').next() == Some(name))
            .ok_or_else(|| UnknownApi(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_found_by_method_and_path() {
        let telephony = ApiId::TelnyxTelephony.api();
        let id = |method, path| telephony.operation(method, path).map(|op| op.id);
        assert_eq!(
            id("GET", "/v2/telephony_credentials"),
            Some("FindTelephonyCredentials")
        );
        assert_eq!(
            id("patch", "/v2/telephony_credentials/x"),
            Some("UpdateTelephonyCredential")
        );
        assert_eq!(
            id("POST", "/v2/telephony_credentials/x/token"),
            Some("CreateTelephonyCredentialToken")
        );
        assert_eq!(id("GET", "/v2/telephony_credentials/"), None, "an empty id");
        assert_eq!(id("GET", "/v2/telephony_credentials/x/y"), None);
        assert_eq!(id("PUT", "/v2/telephony_credentials/x"), None);
        assert_eq!(id("GET", "/v2/telephony_credentialsx"), None);
        assert_eq!(id("GET", "/v2/mobile_push_credentials"), None);
        let delete = |api: &Api| api.operation("DELETE", &api.item_path("x")).map(|op| op.id);
        for api in &APIS {
            assert_eq!(delete(api), Some(api.delete.operation), "{}", api.name);
        }
    }

    /// A variant without a row cannot be listed here without the compiler asking for it
    /// (the match is exhaustive), and then fails the look-up.
    #[test]
    fn every_variant_has_its_row() {
        let variant = |id: ApiId| match id {
            ApiId::TwilioNotifyV1
            | ApiId::TwilioChatV2
            | ApiId::TwilioConversationsV1
            | ApiId::TwilioCommsV1
            | ApiId::TelnyxMobilePush
            | ApiId::TelnyxTelephony => id,
        };
        for id in [
            ApiId::TwilioNotifyV1,
            ApiId::TwilioChatV2,
            ApiId::TwilioConversationsV1,
            ApiId::TwilioCommsV1,
            ApiId::TelnyxMobilePush,
            ApiId::TelnyxTelephony,
        ] {
            assert_eq!(variant(id).api().id, id);
            assert!(ApiId::ALL.contains(&id), "{id:?}");
        }
    }

    #[test]
    fn regional_hosts_and_prefixes() {
        let notify = ApiId::TwilioNotifyV1.api().sites[0];
        assert_eq!(
            notify.regional_host("sydney", "au1"),
            "notify.sydney.au1.twilio.com"
        );
        assert_eq!(notify.regional_prefix("au1"), "/twilio/au1/notify");
        assert_eq!(notify.prefix_in("au1"), "/twilio/au1/notify");
        assert_eq!(notify.prefix_in(TWILIO_DEFAULT_REGION), "/twilio/notify");
        let au1 = twilio_region("au1").unwrap();
        assert_eq!(notify.host_in(au1), "notify.sydney.au1.twilio.com");
        let us1 = twilio_region(TWILIO_DEFAULT_REGION).unwrap();
        assert_eq!(notify.host_in(us1), "notify.twilio.com");
        let (api, site, region) = regional_site("conversations.dublin.ie1.twilio.com").unwrap();
        assert_eq!(
            (api.id, site.host, region.id),
            (
                ApiId::TwilioConversationsV1,
                "conversations.twilio.com",
                "ie1"
            )
        );
        let (api, site, _) = regional_site("ip-messaging.tokyo.jp1.twilio.com").unwrap();
        assert_eq!(
            (api.id, site.prefix),
            (ApiId::TwilioChatV2, "/twilio/ip-messaging")
        );
        for not_regional in [
            "notify.twilio.com",
            "notify.au1.twilio.com",
            "notify.mars.au1.twilio.com",
            "notify.sydney.xx9.twilio.com",
            "comms.sydney.au1.twilio.com",
            "api.sydney.au1.twilio.com",
            "notify.sydney.au1.twilio.com.evil",
        ] {
            assert!(regional_site(not_regional).is_none(), "{not_regional}");
        }
        for region in TWILIO_REGIONS {
            assert!(TWILIO_EDGES.contains(&region.edge), "{}", region.id);
        }
        assert!(twilio_region(TWILIO_DEFAULT_REGION).is_some());
    }

    #[test]
    fn names_and_variables_are_unique_and_parse_back() {
        let mut names = std::collections::BTreeSet::new();
        let mut vars = std::collections::BTreeSet::new();
        let mut prefixes = std::collections::BTreeMap::new();
        for api in &APIS {
            assert!(names.insert(api.name), "{}", api.name);
            assert!(vars.insert(api.env_suffix), "{}", api.env_suffix);
            assert_eq!(api.name.parse::<ApiId>(), Ok(api.id));
            assert_eq!(
                ApiId::from_name(api.name.rsplit('/').next().unwrap()),
                Ok(api.id)
            );
            assert!(api.name.starts_with(api.vendor.as_str()), "{}", api.name);
            assert!(
                api.collection_path
                    .starts_with(&format!("/{}/", api.version)),
                "{}",
                api.name
            );
            assert!(!api.sites.is_empty(), "{}", api.name);
            for site in api.sites {
                // A prefix is one vendor's, and a host names one prefix.
                assert!(
                    site.prefix
                        .starts_with(&format!("/{}", api.vendor.as_str()))
                );
                let before = prefixes.insert(site.host, site.prefix);
                assert!(before.is_none_or(|p| p == site.prefix), "{}", site.host);
            }
        }
        assert_eq!(
            "twilio/nope".parse::<ApiId>(),
            Err(UnknownApi(String::from("twilio/nope")))
        );
        assert_eq!(
            ApiId::TwilioConversationsV1.env_var(),
            "CREDSPEC_TARGET_TWILIO_CONVERSATIONS"
        );
    }
}
