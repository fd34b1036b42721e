//! The one macro that gives every validated string newtype its conversions.

/// Implements, for a newtype `$name(String)` with a `validate(&str) -> Result<(), FormatError>`
/// function in scope of the invocation: `FromStr`, `TryFrom<&str>`, `TryFrom<String>`,
/// `Display`, `AsRef<str>`, `as_str`, `into_string`, transparent `Serialize` and a
/// `Deserialize` that goes through validation.
macro_rules! string_newtype {
    ($name:ident, $validate:path) => {
        impl $name {
            /// The value as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the value.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::FormatError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $validate(s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::error::FormatError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::FormatError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $validate(&s)?;
                Ok(Self(s))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::try_from(s).map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use string_newtype;
