//! Clients for the Doris wire protocols.
