//! proptest strategies for valid wire values of every request and response type.

use credspec_core::secret::Secret;
use credspec_core::value::TelnyxPushType;
use credspec_telnyx::envelope::{
    FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery, PaginationMeta,
};
use credspec_telnyx::error::{ErrorBody, ErrorMeta, ErrorSource, TelnyxError};
use credspec_telnyx::mobile_push_credentials::{
    AndroidPushCredentialRequest, CreatePushCredentialRequest, IosPushCredentialRequest,
    PushCredential,
};
use credspec_telnyx::telephony_credentials::{
    CreateTelephonyCredentialRequest, TelephonyCredential, UpdateTelephonyCredentialRequest,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any text, including quotes, escapes, `&`, `=`, `%`, `+` and non-ASCII.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zA-Z0-9 _.~&=%+\\[\\]\"\\\\-]{0,24}",]
}

/// JSON values that round-trip exactly (no floats).
pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

pub(crate) fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    btree_map(text(), json_value(), 0..4).prop_map(|m| m.into_iter().collect())
}

pub(crate) fn push_create() -> impl Strategy<Value = CreatePushCredentialRequest> {
    let ios = (option::of(text()), option::of(text()), option::of(text())).prop_map(
        |(certificate, private_key, alias)| {
            let mut r = IosPushCredentialRequest::new("", "", "");
            r.certificate = certificate;
            r.private_key = private_key.map(Secret::new);
            r.alias = alias;
            CreatePushCredentialRequest::Ios(r)
        },
    );
    let android = (option::of(json_object()), option::of(text())).prop_map(|(file, alias)| {
        let mut r = AndroidPushCredentialRequest::new(Map::new(), "");
        r.project_account_json_file = file.map(Secret::new);
        r.alias = alias;
        CreatePushCredentialRequest::Android(r)
    });
    // Unknown or missing type: the body is kept whole.
    let other = (option::of(text()), json_object()).prop_filter_map(
        "type must be unknown",
        |(push_type, mut members)| {
            members.remove("type");
            if let Some(t) = push_type {
                if TelnyxPushType::from_wire(&t).is_known() {
                    return None;
                }
                members.insert(String::from("type"), Value::String(t));
            }
            let bytes = serde_json::to_vec(&members).ok()?;
            CreatePushCredentialRequest::decode(&bytes).ok()
        },
    );
    prop_oneof![ios, android, other]
}

pub(crate) fn push_credential() -> impl Strategy<Value = PushCredential> {
    (
        (text(), text(), text(), json_object()),
        (text(), text(), text(), text(), text()),
    )
        .prop_map(
            |((id, certificate, key, file), (alias, push_type, record_type, created, updated))| {
                let value = serde_json::json!({
                    "id": id, "certificate": certificate, "private_key": key,
                    "project_account_json_file": file, "alias": alias, "type": push_type,
                    "record_type": record_type, "created_at": created, "updated_at": updated,
                });
                serde_json::from_value(value).expect("all nine members are given")
            },
        )
}

pub(crate) fn meta() -> impl Strategy<Value = Option<PaginationMeta>> {
    option::of(
        (
            option::of(any::<u64>()),
            option::of(any::<u64>()),
            option::of(any::<u64>()),
            option::of(any::<u64>()),
        )
            .prop_map(|(n, s, p, r)| {
                let mut meta = PaginationMeta::default();
                meta.page_number = n;
                meta.page_size = s;
                meta.total_pages = p;
                meta.total_results = r;
                meta
            }),
    )
}

pub(crate) fn push_list() -> impl Strategy<Value = ListData<PushCredential>> {
    (vec(push_credential(), 0..3), meta()).prop_map(|(data, meta)| {
        let mut list = ListData::new(data, PaginationMeta::default());
        list.meta = meta;
        list
    })
}

pub(crate) fn telephony_credential() -> impl Strategy<Value = TelephonyCredential> {
    (
        (option::of(text()), option::of(text()), option::of(text())),
        (
            option::of(any::<bool>()),
            option::of(text()),
            option::of(text()),
        ),
        (option::of(text()), option::of(text()), option::of(text())),
        (option::of(text()), option::of(text())),
    )
        .prop_map(
            |(
                (id, record_type, name),
                (expired, user_id, resource_id),
                (pw, user, created),
                (expires, updated),
            )| {
                let mut c = TelephonyCredential::default();
                c.id = id;
                c.record_type = record_type;
                c.name = name;
                c.expired = expired;
                c.user_id = user_id;
                c.resource_id = resource_id;
                c.sip_password = pw.map(Secret::new);
                c.sip_username = user;
                c.created_at = created;
                c.expires_at = expires;
                c.updated_at = updated;
                c
            },
        )
}

pub(crate) fn telephony_list() -> impl Strategy<Value = ListData<TelephonyCredential>> {
    (vec(telephony_credential(), 0..3), meta()).prop_map(|(data, meta)| {
        let mut list = ListData::new(data, PaginationMeta::default());
        list.meta = meta;
        list
    })
}

type Four = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn four() -> impl Strategy<Value = Four> {
    (
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
    )
}

pub(crate) fn telephony_create() -> impl Strategy<Value = CreateTelephonyCredentialRequest> {
    four().prop_map(|(c, n, t, e)| {
        let mut r = CreateTelephonyCredentialRequest::new("");
        (r.connection_id, r.name, r.tag, r.expires_at) = (c, n, t, e);
        r
    })
}

pub(crate) fn telephony_update() -> impl Strategy<Value = UpdateTelephonyCredentialRequest> {
    four().prop_map(|(c, n, t, e)| {
        let mut r = UpdateTelephonyCredentialRequest::new();
        (r.connection_id, r.name, r.tag, r.expires_at) = (c, n, t, e);
        r
    })
}

pub(crate) fn push_query() -> impl Strategy<Value = ListPushCredentialsQuery> {
    four().prop_map(|(n, s, t, a)| {
        let mut q = ListPushCredentialsQuery::new();
        (q.page_number, q.page_size, q.filter_type, q.filter_alias) = (n, s, t, a);
        q
    })
}

pub(crate) fn telephony_query() -> impl Strategy<Value = FindTelephonyCredentialsQuery> {
    (
        four(),
        option::of(text()),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(|((n, s, tag, name), status, resource, user)| {
            let mut q = FindTelephonyCredentialsQuery::new();
            (q.page_number, q.page_size, q.filter_tag, q.filter_name) = (n, s, tag, name);
            (q.filter_status, q.filter_resource_id, q.filter_sip_username) =
                (status, resource, user);
            q
        })
}

fn telnyx_error() -> impl Strategy<Value = TelnyxError> {
    (
        text(),
        text(),
        option::of(text()),
        option::of((option::of(text()), option::of(text()))),
        option::of((option::of(text()), btree_map(text(), json_value(), 0..3))),
    )
        .prop_map(|(code, title, detail, source, meta)| {
            let mut e = TelnyxError::new("10015", title, detail);
            e.code = code;
            e.source = source.map(|(pointer, parameter)| {
                let mut s = ErrorSource::default();
                s.pointer = pointer;
                s.parameter = parameter;
                s
            });
            e.meta = meta.map(|(url, mut other)| {
                other.remove("url");
                let mut m = ErrorMeta::default();
                m.url = url;
                m.other = other;
                m
            });
            e
        })
}

pub(crate) fn error_body() -> impl Strategy<Value = ErrorBody> {
    prop_oneof![
        vec(telnyx_error(), 0..3).prop_map(ErrorBody::Errors),
        btree_map(text(), json_value(), 0..3).prop_map(ErrorBody::Object),
    ]
}
