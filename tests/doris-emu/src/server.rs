//! Network front ends and process wiring.
