//! Cross-module tests of the material parsers.
