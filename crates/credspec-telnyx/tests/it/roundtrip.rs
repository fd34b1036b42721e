//! proptest: arbitrary valid values of every request and response type round-trip
//! encode → decode.

use credspec_core::id::TelnyxId;
use credspec_core::secret::Secret;
use credspec_core::time::OffsetDateTime;
use credspec_telnyx::envelope::{
    Data, FindTelephonyCredentialsQuery, ListData, ListPushCredentialsQuery,
};
use credspec_telnyx::error::ErrorBody;
use credspec_telnyx::mobile_push_credentials::{CreatePushCredentialRequest, PushCredential};
use credspec_telnyx::telephony_credentials::{
    AccessToken, CreateTelephonyCredentialRequest, TelephonyCredential, TokenClaims,
    UpdateTelephonyCredentialRequest,
};
use proptest::prelude::*;

use crate::strategies::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn push_create_requests(request in push_create()) {
        prop_assert_eq!(CreatePushCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn push_credentials(credential in push_credential()) {
        let body = Data::new(credential);
        prop_assert_eq!(Data::<PushCredential>::decode(&body.encode()).unwrap(), body);
    }

    #[test]
    fn push_lists(list in push_list()) {
        prop_assert_eq!(ListData::<PushCredential>::decode(&list.encode()).unwrap(), list);
    }

    #[test]
    fn telephony_credentials(credential in telephony_credential()) {
        let body = Data::new(credential);
        prop_assert_eq!(Data::<TelephonyCredential>::decode(&body.encode()).unwrap(), body);
    }

    #[test]
    fn telephony_lists(list in telephony_list()) {
        prop_assert_eq!(ListData::<TelephonyCredential>::decode(&list.encode()).unwrap(), list);
    }

    #[test]
    fn telephony_create_requests(request in telephony_create()) {
        prop_assert_eq!(CreateTelephonyCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn telephony_update_requests(request in telephony_update()) {
        prop_assert_eq!(UpdateTelephonyCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn push_queries(query in push_query()) {
        prop_assert_eq!(ListPushCredentialsQuery::decode(&query.encode()).unwrap(), query);
    }

    #[test]
    fn telephony_queries(query in telephony_query()) {
        prop_assert_eq!(FindTelephonyCredentialsQuery::decode(&query.encode()).unwrap(), query);
    }

    #[test]
    fn error_bodies(body in error_body()) {
        prop_assert_eq!(ErrorBody::decode(&body.encode()).unwrap(), body);
    }

    #[test]
    fn tokens(
        key in proptest::collection::vec(any::<u8>(), 0..80),
        tel_token in any::<String>(),
        iat in 0i64..4_000_000_000,
        ids in (any::<u64>(), any::<u64>()),
    ) {
        let mut rng = credspec_core::random::SeededRandom::new(ids.0 ^ ids.1);
        let issued = OffsetDateTime::from_unix_timestamp(iat).unwrap();
        let claims = TokenClaims::new(
            &TelnyxId::generate(&mut rng),
            &TelnyxId::generate(&mut rng),
            Secret::new(tel_token),
            issued,
            None,
        );
        let token = AccessToken::decode(&AccessToken::issue(&claims, &key).encode()).unwrap();
        prop_assert_eq!(token.claims_unverified().unwrap(), claims.clone());
        prop_assert_eq!(token.verify(&key, issued).unwrap(), claims);
    }
}
