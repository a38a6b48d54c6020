// Doris Types.thrift subset used by CCR (shared/reference/doris-protocol.md §1).

typedef i32 TPort

struct TNetworkAddress {
  1: required string hostname
  2: required i32 port
}

struct TUniqueId {
  1: required i64 hi
  2: required i64 lo
}

struct TTabletCommitInfo {
  1: required i64 tabletId
  2: required i64 backendId
  3: optional list<string> invalid_dict_cols
}

struct TBackend {
  1: required string host
  2: required TPort be_port
  3: required TPort http_port
  4: optional TPort brpc_port
  5: optional bool is_alive
  6: optional i64 id
}
