//! `mysql_native_password` verification and per-connection scrambles.

use rand::Rng;
use sha1::{Digest, Sha1};

/// Length of the scramble sent in the handshake.
pub const SCRAMBLE_LEN: usize = 20;

/// A fresh random scramble. Bytes stay printable and avoid `\0` and `$`, which some
/// clients treat specially inside the handshake.
pub fn new_scramble() -> [u8; SCRAMBLE_LEN] {
    let mut rng = rand::thread_rng();
    let mut out = [0u8; SCRAMBLE_LEN];
    for b in &mut out {
        *b = loop {
            let c = rng.gen_range(0x21u8..0x7f);
            if c != b'$' {
                break c;
            }
        };
    }
    out
}

fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Checks a `mysql_native_password` response:
/// `SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw)))`; an empty password expects an empty response.
pub fn native_password_ok(password: &str, scramble: &[u8], response: &[u8]) -> bool {
    if password.is_empty() {
        return response.is_empty();
    }
    if response.len() != 20 {
        return false;
    }
    let stage1 = sha1(&[password.as_bytes()]);
    let stage2 = sha1(&[&stage1]);
    // Some clients append a trailing NUL to the scramble they were given; use 20 bytes.
    let salt = scramble.get(..SCRAMBLE_LEN).unwrap_or(scramble);
    let mask = sha1(&[salt, &stage2]);
    let expected: Vec<u8> = stage1.iter().zip(mask.iter()).map(|(a, b)| a ^ b).collect();
    // Constant-time-ish comparison; this is a test emulator but there is no reason to leak.
    expected
        .iter()
        .zip(response)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_response(password: &str, scramble: &[u8]) -> Vec<u8> {
        let stage1 = sha1(&[password.as_bytes()]);
        let mask = sha1(&[scramble, &sha1(&[&stage1])]);
        stage1.iter().zip(mask.iter()).map(|(a, b)| a ^ b).collect()
    }

    #[test]
    fn native_password_round_trip() {
        let s = new_scramble();
        assert!(native_password_ok(
            "secret",
            &s,
            &client_response("secret", &s)
        ));
        assert!(!native_password_ok(
            "secret",
            &s,
            &client_response("other", &s)
        ));
        assert!(native_password_ok("", &s, &[]));
        assert!(!native_password_ok("", &s, &client_response("x", &s)));
        assert!(!native_password_ok("secret", &s, &[]));
    }
}
