//! The JSON body shared by create and update: `connection_id`, `name`, `tag`, `expires_at`.

/// Defines a telephony request body type over the four members.
macro_rules! telephony_body {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            /// `connection_id`: the Credential connection (digits).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub connection_id: Option<String>,
            /// `name`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            /// `tag` (at most 1000 credentials per tag).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub tag: Option<String>,
            /// `expires_at`: an ISO-8601 date-time.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub expires_at: Option<String>,
        }

        impl $name {
            /// Sets `name`.
            pub fn name(mut self, name: impl Into<String>) -> Self {
                self.name = Some(name.into());
                self
            }

            /// Sets `tag`.
            pub fn tag(mut self, tag: impl Into<String>) -> Self {
                self.tag = Some(tag.into());
                self
            }

            /// Sets `expires_at`.
            pub fn expires_at(mut self, expires_at: impl Into<String>) -> Self {
                self.expires_at = Some(expires_at.into());
                self
            }

            /// Decodes a request body (server side). Unknown members are ignored; a member
            /// that is not a string (or `null`) is an error naming it.
            pub fn decode(bytes: &[u8]) -> Result<Self, $crate::error::DecodeError> {
                $crate::error::decode_json(bytes)
            }

            /// Encodes the body (client side), members in the documented order.
            pub fn encode(&self) -> Vec<u8> {
                serde_json::to_vec(self).unwrap_or_default()
            }

            /// The input of core's telephony checks.
            pub fn to_params(&self) -> credspec_core::rules::TelephonyParams {
                let mut params = credspec_core::rules::TelephonyParams::default();
                params.connection_id.clone_from(&self.connection_id);
                params.name.clone_from(&self.name);
                params.tag.clone_from(&self.tag);
                params.expires_at.clone_from(&self.expires_at);
                params
            }
        }
    };
}

pub(crate) use telephony_body;
