//! Doris Thrift bindings (placeholder until generated).
