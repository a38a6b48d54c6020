//! Shared by the `fuzz_*` targets of every crate (included with `#[path]`): case counts,
//! an allocation cap, and byte-level mutations of valid messages.
//!
//! Each fuzz binary installs [`ALLOC`] as its global allocator: any single request for
//! more than [`ALLOC_LIMIT`] bytes in total aborts the binary, so "a 2 GiB length header
//! must fail fast" is checked for every case, not only by the cases that assert it.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

/// Total heap the fuzz binary may hold at once; far above any legitimate message here.
pub const ALLOC_LIMIT: usize = 512 * 1024 * 1024;

/// Counts and caps the heap of the fuzz binary.
#[global_allocator]
pub static ALLOC: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, ALLOC_LIMIT);

/// Lengths a hostile peer would claim (big-endian i32 on the wire).
pub const HUGE_LENGTHS: [u32; 6] = [
    0x7fff_ffff, // 2 GiB - 1
    0x8000_0000, // negative
    0xffff_ffff, // -1
    0x4000_0000, // 1 GiB
    0x0640_0001, // just over the 100 MiB default message limit
    0x00ff_ffff, // 16 Mi elements
];

/// Proptest config: `default_cases` (sized so the target stays under ~5 s in a debug
/// build), or `FUZZ_CASES` from the environment for long runs.
pub fn config(default_cases: u32) -> Config {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        // Long runs must not spend their time shrinking a failure into the timeout.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Keep only the bytes before the position.
    Truncate(Index),
    /// Flip one bit.
    FlipBit(Index, u8),
    /// Overwrite one byte.
    SetByte(Index, u8),
    /// Insert bytes.
    Insert(Index, Vec<u8>),
    /// Remove up to `n` bytes.
    Remove(Index, usize),
    /// Replace the tail after one position by the tail of the donor after another.
    Splice(Index, Index),
    /// Overwrite 4 bytes with a huge big-endian length.
    HugeLen(Index, usize),
    /// Repeat a slice (up to `n` bytes) many times in place.
    Repeat(Index, usize, usize),
}

/// A single mutation.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<Index>(), 1usize..32).prop_map(|(i, n)| Mutation::Remove(i, n)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Splice(a, b)),
        (any::<Index>(), 0..HUGE_LENGTHS.len()).prop_map(|(i, h)| Mutation::HugeLen(i, h)),
        (any::<Index>(), 1usize..16, 2usize..200).prop_map(|(i, n, k)| Mutation::Repeat(i, n, k)),
    ]
}

/// One to four mutations.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..5)
}

/// Applies `muts` to `data`; `donor` is the other message spliced in.
pub fn apply(data: &[u8], donor: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut out = data.to_vec();
    for m in muts {
        apply_one(&mut out, donor, m);
    }
    out
}

fn at(i: &Index, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        i.index(len)
    }
}

fn apply_one(out: &mut Vec<u8>, donor: &[u8], m: &Mutation) {
    let len = out.len();
    match m {
        Mutation::Truncate(i) => out.truncate(at(i, len)),
        Mutation::FlipBit(i, b) if len > 0 => out[at(i, len)] ^= 1 << b,
        Mutation::SetByte(i, v) if len > 0 => out[at(i, len)] = *v,
        Mutation::Insert(i, v) => {
            let p = at(i, len + 1);
            out.splice(p..p, v.iter().copied());
        }
        Mutation::Remove(i, n) if len > 0 => {
            let p = at(i, len);
            out.drain(p..(p + n).min(len));
        }
        Mutation::Splice(a, b) => {
            out.truncate(at(a, len + 1));
            out.extend_from_slice(&donor[at(b, donor.len() + 1).min(donor.len())..]);
        }
        Mutation::HugeLen(i, h) => {
            let p = at(i, len + 1);
            let bytes = HUGE_LENGTHS[*h].to_be_bytes();
            let end = (p + 4).min(len);
            out.splice(p..end, bytes);
        }
        Mutation::Repeat(i, n, k) if len > 0 => {
            let p = at(i, len);
            let piece = out[p..(p + n).min(len)].to_vec();
            let extra: Vec<u8> = piece
                .iter()
                .copied()
                .cycle()
                .take(piece.len() * k)
                .collect();
            out.splice(p..p, extra);
        }
        _ => {}
    }
}

/// Text mutations: byte edits, then lossy UTF-8 (a decoder of `&str` sees valid UTF-8).
pub fn apply_text(data: &str, donor: &str, muts: &[Mutation]) -> String {
    String::from_utf8_lossy(&apply(data.as_bytes(), donor.as_bytes(), muts)).into_owned()
}

/// Random text that looks a little like source: punctuation, digits, quotes, words.
pub fn noisy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "[ -~]{0,200}",
        r#"[\[\]{}(),:;"'`\\0-9a-zA-Z_.+\-*/=<>!@ \n\t]{0,200}"#,
    ]
}
