//! insta snapshots of the encoded form of each documented example, under
//! `snapshots/telnyx/<api>/codec__<name>.snap` at the workspace root.
//!
//! The snapshot is the exact encoded text (member order and date forms are part of the
//! wire format). The only secrets in these examples are the vendors' published,
//! truncated placeholders.

use credspec_core::rules::{RuleId, Violation, check_telnyx_paging};
use credspec_telnyx::envelope::{
    Data, FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery, PaginationMeta,
};
use credspec_telnyx::error::ErrorResponse;
use credspec_telnyx::mobile_push_credentials::{CreatePushCredentialRequest, PushCredential};
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, TelephonyCredential,
    UpdateTelephonyCredentialRequest,
};

const PUSH_CREATE_IOS: &str = r#"{"type":"ios","certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----","alias":"LucyIosCredential"}"#;
const PUSH_CREATE_ANDROID: &str = r#"{"type":"android","project_account_json_file":{"client_email":"account@customer.org","private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja..."},"alias":"LucyAndroidCredential"}"#;
const PUSH_CREDENTIAL: &str = r#"{"data":{"id":"0ccc7b54-4df3-4bcb-a65a-3da1ecc997d7","certificate":"-----BEGIN CERTIFICATE----- MIIGVDCCBTKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END CERTIFICATE-----","private_key":"-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAsNlRJVZn9ZvXcECQm65czs... -----END RSA PRIVATE KEY-----","project_account_json_file":{"private_key":"BBBB0J56jd8kda:APA91vjb11BCjvxx3Jxja...","client_email":"account@customer.org"},"alias":"LucyCredential","type":"ios","record_type":"push_credential","created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z"}}"#;
const TELEPHONY_CREATE: &str = r#"{"connection_id":"1234567890","name":"My-new-credential"}"#;
const TELEPHONY_UPDATE: &str =
    r#"{"connection_id":"987654321","name":"My-new-updated-credential"}"#;
const TELEPHONY_CREDENTIAL: &str = r#"{"data":{"id":"c215ade3-0d39-418e-94be-c5f780760199","record_type":"credential","name":"2020-06-18 21:32:38.917732Z","expired":false,"user_id":"user-id","resource_id":"connection:804252963366242252","sip_password":"a92dbcfb60184a8cb330b0acb2f7617b","sip_username":"gencrednCvHU5IYpSBPPsXI2iQsDX","created_at":"2020-06-18T21:32:38","expires_at":"2042-06-18T21:32:38","updated_at":"2020-06-18T21:32:38.000Z"}}"#;
const TOKEN: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ0ZWxueXhfdGVsZXBob255IiwiZXhwIjoxNTkwMDEwMTQzLCJpYXQiOjE1ODc1OTA5NDMsImlzcyI6InRlbG55eF90ZWxlcGhvbnkiLCJqdGkiOiJiOGM3NDgzNy1kODllLTRhNjUtOWNmMi0zNGM3YTZmYTYwYzgiLCJuYmYiOjE1ODc1OTA5NDIsInN1YiI6IjVjN2FjN2QwLWRiNjUtNGYxMS05OGUxLWVlYzBkMWQ1YzZhZSIsInRlbF90b2tlbiI6InJqX1pra1pVT1pNeFpPZk9tTHBFVUIzc2lVN3U2UmpaRmVNOXMtZ2JfeENSNTZXRktGQUppTXlGMlQ2Q0JSbWxoX1N5MGlfbGZ5VDlBSThzRWlmOE1USUlzenl6U2xfYURuRzQ4YU81MHlhSEd1UlNZYlViU1ltOVdJaVEwZz09IiwidHlwIjoiYWNjZXNzIn0.gNEwzTow5MLLPLQENytca7pUN79PmPj6FyqZWW06ZeEmesxYpwKh0xRtA0TzLh6CDYIRHrI8seofOO0YFGDhpQ";

fn snapshot(api: &str, name: &str, encoded: Vec<u8>) {
    let text = String::from_utf8(encoded).expect("encoders write UTF-8");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!(
        "{}/../../snapshots/telnyx/{api}",
        env!("CARGO_MANIFEST_DIR")
    ));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(format!("codec__{name}"), text));
}

const PUSH: &str = "mobile-push-credentials";
const TELEPHONY: &str = "telephony-credentials";

fn meta_example() -> PaginationMeta {
    let page =
        check_telnyx_paging(Some("2"), Some("25"), 20).expect("the documented page is valid");
    PaginationMeta::new(page, 55)
}

#[test]
fn mobile_push_credentials() {
    let ios = CreatePushCredentialRequest::decode(PUSH_CREATE_IOS.as_bytes()).unwrap();
    snapshot(PUSH, "create_request_ios", ios.encode());
    let android = CreatePushCredentialRequest::decode(PUSH_CREATE_ANDROID.as_bytes()).unwrap();
    snapshot(PUSH, "create_request_android", android.encode());
    let credential = Data::<PushCredential>::decode(PUSH_CREDENTIAL.as_bytes()).unwrap();
    snapshot(PUSH, "credential_response", credential.encode());
    let list = ListData::new(vec![credential.data], meta_example());
    snapshot(PUSH, "list_response", list.encode());
    let mut query = ListPushCredentialsQuery::new().page(2, 25);
    query.filter_type = Some(String::from("ios"));
    query.filter_alias = Some(String::from("LucyIosCredential"));
    snapshot(PUSH, "list_query", query.encode().into_bytes());
    let taken = Violation::state(RuleId::PushAliasUnique, "/alias", "has already been taken");
    snapshot(
        PUSH,
        "error_alias_taken",
        ErrorResponse::validation(&[taken]).body.encode(),
    );
    snapshot(
        PUSH,
        "error_unauthorized",
        ErrorResponse::unauthorized().body.encode(),
    );
    snapshot(
        PUSH,
        "error_not_found",
        ErrorResponse::not_found().body.encode(),
    );
    let paging = check_telnyx_paging(None, Some("251"), 20).unwrap_err();
    snapshot(
        PUSH,
        "error_invalid_pagination",
        ErrorResponse::invalid_pagination(&paging).body.encode(),
    );
}

#[test]
fn telephony_credentials() {
    let create = CreateTelephonyCredentialRequest::decode(TELEPHONY_CREATE.as_bytes()).unwrap();
    snapshot(TELEPHONY, "create_request", create.encode());
    let update = UpdateTelephonyCredentialRequest::decode(TELEPHONY_UPDATE.as_bytes()).unwrap();
    snapshot(TELEPHONY, "update_request", update.encode());
    let credential = Data::<TelephonyCredential>::decode(TELEPHONY_CREDENTIAL.as_bytes()).unwrap();
    snapshot(TELEPHONY, "credential_response", credential.encode());
    let list = ListData::new(vec![credential.data], meta_example());
    snapshot(TELEPHONY, "list_response", list.encode());
    let mut query = FindTelephonyCredentialsQuery::new().page(1, 50);
    query.filter_tag = Some(String::from("some_tag"));
    query.filter_resource_id = Some(String::from("connection:804252963366242252"));
    snapshot(TELEPHONY, "find_query", query.encode().into_bytes());
    let token = AccessToken::decode(TOKEN.as_bytes()).unwrap();
    snapshot(TELEPHONY, "token_response", token.encode());
    snapshot(
        TELEPHONY,
        "error_expired_update",
        ErrorResponse::expired_update().body.encode(),
    );
    let missing = CreateTelephonyCredentialRequest::decode(b"{}")
        .unwrap()
        .check()
        .unwrap_err();
    snapshot(
        TELEPHONY,
        "error_connection_id_required",
        ErrorResponse::validation(&missing).body.encode(),
    );
}
