//! The tensor names of a safetensors header in file order, with repeated
//! names found (the `safetensors` crate keeps the last of equal JSON keys).

/// The header's top-level keys except `__metadata__`, in file order, or
/// `Err(Some(key))` for the first key that repeats an earlier one (compared
/// after unescaping). `Err(None)` when the header is not a JSON object; call
/// it on a file that `SafeTensors::deserialize` accepted.
pub(super) fn tensor_names(file: &[u8]) -> Result<Vec<String>, Option<String>> {
    let len = file
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or(None)?;
    let header = file
        .get(8..8usize.checked_add(len).ok_or(None)?)
        .ok_or(None)?;
    let mut s = Scanner { b: header, at: 0 };
    s.expect(b'{')?;
    let mut keys: Vec<String> = Vec::new();
    if s.peek() == Some(b'}') {
        return Ok(keys);
    }
    loop {
        let key = s.string()?;
        if keys.contains(&key) {
            return Err(Some(key));
        }
        keys.push(key);
        s.expect(b':')?;
        s.skip_value()?;
        match s.next() {
            Some(b',') => {}
            Some(b'}') => break,
            _ => return Err(None),
        }
    }
    keys.retain(|k| k != "__metadata__");
    Ok(keys)
}

/// A cursor over JSON text that skips whitespace before each token.
struct Scanner<'a> {
    b: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.b.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
        self.b.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Result<(), Option<String>> {
        if self.next() == Some(c) {
            Ok(())
        } else {
            Err(None)
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.b.get(self.at..self.at + 4)?).ok()?;
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A string token, unescaped.
    fn string(&mut self) -> Result<String, Option<String>> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.b.get(self.at).ok_or(None)?;
            self.at += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|_| None),
                b'\\' => {
                    let e = *self.b.get(self.at).ok_or(None)?;
                    self.at += 1;
                    let ch = match e {
                        b'"' | b'\\' | b'/' => char::from(e),
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.escaped_char().ok_or(None)?,
                        _ => return Err(None),
                    };
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }

    /// The character of a `\uXXXX` escape (a surrogate pair takes two).
    fn escaped_char(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) {
            if self.b.get(self.at..self.at + 2)? != b"\\u" {
                return None;
            }
            self.at += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return None;
            }
            return char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
        }
        char::from_u32(hi)
    }

    /// Skips one value (object, array, string, number or literal).
    fn skip_value(&mut self) -> Result<(), Option<String>> {
        let mut depth = 0usize;
        loop {
            match self.peek().ok_or(None)? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    self.at += 1;
                }
                b'}' | b']' | b',' if depth == 0 => return Ok(()),
                _ => self.at += 1,
            }
            if depth == 0 && matches!(self.peek(), Some(b',' | b'}')) {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tensor_names;

    fn file(header: &str) -> Vec<u8> {
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(header.as_bytes());
        b
    }

    #[test]
    fn names_in_file_order_without_metadata() {
        let h = r#"{"b": {"dtype": "F32", "shape": [1, 2], "data_offsets": [0, 8]},
            "__metadata__": {"format": "pt", "x": "}{,\""},
            "a\u00e9": {"dtype": "F32", "shape": [], "data_offsets": [8, 12]}}"#;
        assert_eq!(tensor_names(&file(h)).unwrap(), ["b", "aé"]);
        assert_eq!(tensor_names(&file("{}")).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_repeated_name_is_found_after_unescaping() {
        let h = r#"{"w": {"shape": [1]}, "\u0077": {"shape": [2]}}"#;
        assert_eq!(tensor_names(&file(h)), Err(Some("w".to_string())));
        let h = r#"{"\ud83d\ude00": 1, "😀": 2}"#;
        assert_eq!(tensor_names(&file(h)), Err(Some("😀".to_string())));
    }

    #[test]
    fn not_an_object_is_none() {
        for h in ["[1]", "{\"a\" 1}", "{\"a\": 1", ""] {
            assert_eq!(tensor_names(&file(h)), Err(None), "{h}");
        }
        assert_eq!(tensor_names(b"\x05\0\0"), Err(None));
    }
}
