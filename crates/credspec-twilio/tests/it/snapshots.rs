//! insta snapshots of the encoded form of each documented example, under
//! `snapshots/twilio/<api>/codec__<name>.snap` at the workspace root.
//!
//! The snapshot is the exact encoded text (member order, parameter order and date forms
//! are part of the wire format). The only secrets in these examples are the vendors'
//! published, truncated placeholders.

use credspec_core::id::CommsCredentialId;
use credspec_core::rules::{Violation, check_classic_paging, check_comms_create};
use credspec_twilio::classic::{
    ClassicApi, CreateCredentialRequest, CredentialResource, ListCredentialQuery,
    ListCredentialResponse, PageMeta, UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CommsApi, CommsPageMeta, CreatePushCredentialRequest,
    ListPushCredentialsQuery, ListPushCredentialsResponse, PushContent, PushNotificationCredential,
    UpdatePushCredentialRequest,
};
use credspec_twilio::error::{CommsErrorResponse, ErrorBody};

const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----MIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEFBQAwgZYxCzAJBgNV.....A==-----END CERTIFICATE-----";
const PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----MIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fGgvCI1l9s+cmBY3WIz+cUDqmxiieR...-----END RSA PRIVATE KEY-----";
const RESOURCE: &str = r#"{"sid":"CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","friendly_name":"Test slow create","type":"apn","sandbox":"False","date_created":"2015-10-07T17:50:01Z","date_updated":"2015-10-07T17:50:01Z","url":"https://notify.twilio.com/v1/Credentials/CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#;
const COMMS_ID: &str = "comms_credential_01h9krwprkeee8fzqspvwy6nq8";
const COMMS_CREDENTIAL: &str = r#"{"id":"comms_credential_01h9krwprkeee8fzqspvwy6nq8","credentialType":"APN","isDefault":false,"appName":"limonade_app","createdAt":"2023-08-31T14:15:22Z","updatedAt":"2023-08-31T14:15:22Z"}"#;

fn snapshot(api: &str, name: &str, encoded: Vec<u8>) {
    let text = String::from_utf8(encoded).expect("encoders write UTF-8");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!(
        "{}/../../snapshots/twilio/{api}",
        env!("CARGO_MANIFEST_DIR")
    ));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(format!("codec__{name}"), text));
}

fn classic(api_dir: &str, api: &ClassicApi) {
    let create = CreateCredentialRequest::apn(CERTIFICATE, PRIVATE_KEY, Some(false))
        .with_friendly_name("Test slow create");
    snapshot(api_dir, "create_request", create.encode());
    snapshot(
        api_dir,
        "update_request",
        UpdateCredentialRequest::rename("Test slow create").encode(),
    );
    let mut resource = CredentialResource::decode(RESOURCE.as_bytes()).expect("documented body");
    resource.url = resource.sid.as_deref().map(|sid| api.item_url(sid));
    snapshot(api_dir, "credential_response", resource.encode());
    let page = check_classic_paging(None, None, 1000).expect("default page");
    let current = ListCredentialQuery::page(page.size, page.page);
    let meta = PageMeta::new(api, page, &current, None, None);
    snapshot(
        api_dir,
        "list_response_empty",
        ListCredentialResponse::new(Vec::new(), meta).encode(),
    );
    let query = ListCredentialQuery::page(2, 1).with_page_token("PTnot-a-token");
    snapshot(api_dir, "list_query", query.encode().into_bytes());
    snapshot(api_dir, "error_401", ErrorBody::unauthorized().encode());
    let path = api.item_path("CR123");
    snapshot(api_dir, "error_404", ErrorBody::not_found(&path).encode());
    snapshot(
        api_dir,
        "error_21481",
        ErrorBody::invalid_page_token().encode(),
    );
    let missing = CreateCredentialRequest::decode(b"FriendlyName=x").expect("a form");
    let violations = credspec_core::rules::check_classic_create_fields(&missing.to_params())
        .expect_err("Type is required");
    snapshot(
        api_dir,
        "error_21243",
        ErrorBody::from_violations(&violations).encode(),
    );
}

#[test]
fn notify_v1() {
    classic("notify-v1", &ClassicApi::notify_v1());
}

#[test]
fn chat_v2() {
    classic("chat-v2", &ClassicApi::ip_messaging_v2());
}

#[test]
fn comms_v1() {
    const API: &str = "comms-v1";
    let create = CreatePushCredentialRequest::new(
        &credspec_core::value::CommsCredentialType::Apn,
        "limonade_app",
        PushContent::apns(CERTIFICATE, PRIVATE_KEY),
    );
    snapshot(API, "create_request", create.encode());
    snapshot(
        API,
        "update_request",
        UpdatePushCredentialRequest::set_default(true).encode(),
    );
    let id: CommsCredentialId = COMMS_ID.parse().unwrap();
    snapshot(
        API,
        "accepted_response",
        AcceptedResponse::new(&CommsApi::twilio(), &id).encode(),
    );
    let credential = PushNotificationCredential::decode(COMMS_CREDENTIAL.as_bytes()).unwrap();
    snapshot(API, "credential_response", credential.encode());
    let query = ListPushCredentialsQuery::decode("pageSize=2&appName=limonade_app").unwrap();
    snapshot(API, "list_query", query.encode().into_bytes());
    let size = query.to_page_size().unwrap();
    let meta = CommsPageMeta::new(&CommsApi::twilio(), size, &query, Some("PT2"));
    snapshot(
        API,
        "list_response",
        ListPushCredentialsResponse::new(vec![credential], meta).encode(),
    );
    snapshot(
        API,
        "error_401",
        CommsErrorResponse::unauthorized().body.encode(),
    );
    snapshot(
        API,
        "error_404",
        CommsErrorResponse::not_found().body.encode(),
    );
    let mut no_app = create.clone();
    no_app.app_name = None;
    let ctx = credspec_core::rules::MaterialContext::new(
        credspec_core::material::MaterialPolicy::AllowPlaceholders,
        credspec_core::time::macros::datetime!(2026-01-01 0:00 UTC),
    );
    let violations: Vec<Violation> =
        check_comms_create(&no_app.to_params(), &ctx).expect_err("appName is required");
    snapshot(
        API,
        "error_21243",
        CommsErrorResponse::validation(&violations).body.encode(),
    );
    let malformed = CreatePushCredentialRequest::decode(b"credentialType=FCM").unwrap_err();
    snapshot(
        API,
        "error_20001",
        CommsErrorResponse::from_decode_error(&malformed)
            .body
            .encode(),
    );
}
