//! Credential material: PEM certificates and private keys, APNs environments, FCM service
//! accounts, GCM and FCM server keys. (Being written.)
