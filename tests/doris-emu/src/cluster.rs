//! The emulated cluster state and its semantics.
