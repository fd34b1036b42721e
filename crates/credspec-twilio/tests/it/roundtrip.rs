//! proptest: arbitrary valid values of every request and response type round-trip
//! encode → decode.

use credspec_twilio::classic::{
    CreateCredentialRequest, CredentialResource, ListCredentialQuery, ListCredentialResponse,
    UpdateCredentialRequest,
};
use credspec_twilio::comms::{
    AcceptedResponse, CreatePushCredentialRequest, ListPushCredentialsQuery,
    ListPushCredentialsResponse, PushNotificationCredential, UpdatePushCredentialRequest,
};
use credspec_twilio::error::{CommsErrorBody, ErrorBody};
use proptest::prelude::*;

use crate::strategies::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn classic_create_requests(request in classic_create()) {
        prop_assert_eq!(CreateCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn classic_update_requests(request in classic_update()) {
        prop_assert_eq!(UpdateCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn classic_queries(query in classic_query()) {
        prop_assert_eq!(ListCredentialQuery::decode(&query.encode()).unwrap(), query.clone());
        let with_mark = format!("?{}", query.encode());
        prop_assert_eq!(ListCredentialQuery::decode(&with_mark).unwrap(), query);
    }

    #[test]
    fn classic_resources(resource in classic_resource()) {
        prop_assert_eq!(CredentialResource::decode(&resource.encode()).unwrap(), resource);
    }

    #[test]
    fn classic_lists(list in classic_list()) {
        prop_assert_eq!(ListCredentialResponse::decode(&list.encode()).unwrap(), list);
    }

    #[test]
    fn classic_errors(body in classic_error()) {
        prop_assert_eq!(ErrorBody::decode(&body.encode()).unwrap(), body);
    }

    #[test]
    fn comms_create_requests(request in comms_create()) {
        prop_assert_eq!(CreatePushCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn comms_update_requests(request in comms_update()) {
        prop_assert_eq!(UpdatePushCredentialRequest::decode(&request.encode()).unwrap(), request);
    }

    #[test]
    fn comms_queries(query in comms_query()) {
        prop_assert_eq!(ListPushCredentialsQuery::decode(&query.encode()).unwrap(), query);
    }

    #[test]
    fn comms_credentials(credential in comms_credential()) {
        prop_assert_eq!(PushNotificationCredential::decode(&credential.encode()).unwrap(), credential);
    }

    #[test]
    fn comms_lists(list in comms_list()) {
        prop_assert_eq!(ListPushCredentialsResponse::decode(&list.encode()).unwrap(), list);
    }

    #[test]
    fn comms_accepted_bodies(body in comms_accepted()) {
        prop_assert_eq!(AcceptedResponse::decode(&body.encode()).unwrap(), body);
    }

    #[test]
    fn comms_errors(body in comms_error()) {
        prop_assert_eq!(CommsErrorBody::decode(&body.encode()).unwrap(), body);
    }
}
