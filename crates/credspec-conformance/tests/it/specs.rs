//! Checks of specs/ itself (issue 3).
