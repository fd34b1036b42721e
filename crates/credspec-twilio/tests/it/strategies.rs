//! proptest strategies for valid wire values of every request and response type.

use credspec_core::secret::Secret;
use credspec_core::value::{ClassicCredentialType, CommsCredentialType};
use credspec_twilio::classic::{
    CreateCredentialRequest, CredentialResource, ListCredentialQuery, ListCredentialResponse,
    PageMeta, UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CommsPageMeta, CreatePushCredentialRequest, ListPushCredentialsQuery,
    ListPushCredentialsResponse, PushContent, PushNotificationCredential,
    UpdatePushCredentialRequest,
};
use credspec_twilio::error::{CommsError, CommsErrorBody, ErrorBody};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

/// Any text, including quotes, escapes, `&`, `=`, `%`, `+` and non-ASCII.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zA-Z0-9 _.~&=%+\\[\\]\"\\\\-]{0,24}",]
}

fn secret() -> impl Strategy<Value = Option<Secret<String>>> {
    option::of(text().prop_map(Secret::new))
}

pub(crate) fn classic_create() -> impl Strategy<Value = CreateCredentialRequest> {
    (
        option::of(text()),
        option::of(text()),
        secret(),
        secret(),
        option::of(prop_oneof![Just(String::from("true")), text()]),
        secret(),
        secret(),
    )
        .prop_map(
            |(credential_type, friendly_name, certificate, private_key, sandbox, api_key, s)| {
                let mut r = CreateCredentialRequest::default();
                r.credential_type = credential_type;
                r.friendly_name = friendly_name;
                r.certificate = certificate;
                r.private_key = private_key;
                r.sandbox = sandbox;
                r.api_key = api_key;
                r.secret = s;
                r
            },
        )
}

pub(crate) fn classic_update() -> impl Strategy<Value = UpdateCredentialRequest> {
    classic_create().prop_map(|c| {
        let mut r = UpdateCredentialRequest::default();
        r.friendly_name = c.friendly_name;
        r.certificate = c.certificate;
        r.private_key = c.private_key;
        r.sandbox = c.sandbox;
        r.api_key = c.api_key;
        r.secret = c.secret;
        r
    })
}

pub(crate) fn classic_query() -> impl Strategy<Value = ListCredentialQuery> {
    (option::of(text()), option::of(text()), option::of(text())).prop_map(|(size, page, token)| {
        let mut q = ListCredentialQuery::new();
        q.page_size = size;
        q.page = page;
        q.page_token = token;
        q
    })
}

/// A type that reads back as itself: a known one, or text that names none.
fn classic_type() -> impl Strategy<Value = ClassicCredentialType> {
    prop_oneof![
        Just(ClassicCredentialType::Apn),
        Just(ClassicCredentialType::Gcm),
        Just(ClassicCredentialType::Fcm),
        text()
            .prop_map(|t| ClassicCredentialType::from_wire(&t))
            .prop_filter("unknown", |t| !t.is_known()),
    ]
}

pub(crate) fn classic_resource() -> impl Strategy<Value = CredentialResource> {
    (
        (
            option::of("CR[0-9a-f]{32}"),
            option::of("AC[0-9a-f]{32}"),
            option::of(text()),
            option::of(classic_type()),
        ),
        (
            option::of(prop_oneof![
                Just(String::from("True")),
                Just(String::from("False"))
            ]),
            option::of(text()),
            option::of(text()),
            option::of(text()),
        ),
    )
        .prop_map(
            |((sid, account, name, t), (sandbox, created, updated, url))| {
                let mut r = CredentialResource::default();
                r.sid = sid;
                r.account_sid = account;
                r.friendly_name = name;
                r.credential_type = t;
                r.sandbox = sandbox;
                r.date_created = created;
                r.date_updated = updated;
                r.url = url;
                r
            },
        )
}

pub(crate) fn classic_list() -> impl Strategy<Value = ListCredentialResponse> {
    (
        vec(classic_resource(), 0..3),
        (option::of(any::<u64>()), option::of(any::<u64>())),
        (
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
        ),
    )
        .prop_map(
            |(credentials, (page, size), (first, prev, url, next, key))| {
                let mut meta = PageMeta::default();
                meta.page = page;
                meta.page_size = size;
                meta.first_page_url = first;
                meta.previous_page_url = prev;
                meta.url = url;
                meta.next_page_url = next;
                meta.key = key;
                ListCredentialResponse::new(credentials, meta)
            },
        )
}

pub(crate) fn classic_error() -> impl Strategy<Value = ErrorBody> {
    (any::<u16>(), any::<u32>(), text())
        .prop_map(|(status, code, message)| ErrorBody::new(status, code, message))
}

fn comms_type() -> impl Strategy<Value = CommsCredentialType> {
    prop_oneof![
        Just(CommsCredentialType::Apn),
        Just(CommsCredentialType::ApnSandbox),
        Just(CommsCredentialType::Fcm),
        text().prop_map(|t| CommsCredentialType::from_wire(&t)),
    ]
}

fn content() -> impl Strategy<Value = PushContent> {
    (option::of(text()), option::of(text())).prop_map(|(certificate, key)| match certificate {
        Some(c) => PushContent::apns(c, key.unwrap_or_default()),
        None => {
            let mut content = PushContent::fcm("");
            content.private_key = key.map(Secret::new);
            content
        }
    })
}

pub(crate) fn comms_create() -> impl Strategy<Value = CreatePushCredentialRequest> {
    (
        option::of(text()),
        option::of(content()),
        option::of(text()),
        option::of(any::<bool>()),
    )
        .prop_map(|(t, content, app, is_default)| {
            let mut r = CreatePushCredentialRequest::default();
            r.credential_type = t;
            r.content = content;
            r.app_name = app;
            r.is_default = is_default;
            r
        })
}

pub(crate) fn comms_update() -> impl Strategy<Value = UpdatePushCredentialRequest> {
    (
        option::of(any::<bool>()),
        option::of(btree_map(text(), text(), 0..4)),
        option::of(content()),
    )
        .prop_map(|(is_default, tags, content)| {
            let mut r = UpdatePushCredentialRequest::default();
            r.is_default = is_default;
            r.tags = tags;
            r.content = content;
            r
        })
}

pub(crate) fn comms_query() -> impl Strategy<Value = ListPushCredentialsQuery> {
    (option::of(text()), option::of(text()), option::of(text())).prop_map(|(size, token, app)| {
        let mut q = ListPushCredentialsQuery::new();
        q.page_size = size;
        q.page_token = token;
        q.app_name = app;
        q
    })
}

pub(crate) fn comms_credential() -> impl Strategy<Value = PushNotificationCredential> {
    (
        option::of(text()),
        option::of(comms_type()),
        option::of(any::<bool>()),
        option::of(text()),
        option::of(btree_map(text(), text(), 0..3)),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(|(id, t, is_default, app, tags, created, updated)| {
            let mut c = PushNotificationCredential::default();
            c.id = id;
            c.credential_type = t;
            c.is_default = is_default;
            c.app_name = app;
            c.tags = tags;
            c.created_at = created;
            c.updated_at = updated;
            c
        })
}

pub(crate) fn comms_list() -> impl Strategy<Value = ListPushCredentialsResponse> {
    (
        vec(comms_credential(), 0..3),
        option::of(any::<u64>()),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(|(credentials, size, token, url)| {
            let mut meta = CommsPageMeta::default();
            meta.page_size = size;
            meta.next_token = token;
            meta.next_page_url = url;
            ListPushCredentialsResponse::new(credentials, meta)
        })
}

pub(crate) fn comms_accepted() -> impl Strategy<Value = AcceptedResponse> {
    (text(), text()).prop_map(|(id, location)| {
        let mut a = AcceptedResponse::default();
        a.resource_id = id;
        a.resource_location = location;
        a
    })
}

pub(crate) fn comms_error() -> impl Strategy<Value = CommsErrorBody> {
    vec(
        (
            any::<u32>(),
            option::of(text()),
            option::of(text()),
            option::of(text()),
        ),
        0..3,
    )
    .prop_map(|entries| {
        CommsErrorBody::new(
            entries
                .into_iter()
                .map(|(code, message, info, context)| {
                    let mut e = CommsError::new(code, "", "");
                    e.message = message;
                    e.info_url = info;
                    e.context = context;
                    e
                })
                .collect(),
        )
    })
}
