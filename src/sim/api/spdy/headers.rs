//! SPDY/3 header blocks: a count, then length-prefixed names and values,
//! compressed with zlib primed with the SPDY dictionary. Each direction of a
//! connection is one zlib stream: every block is sync-flushed, and the next
//! block continues the same stream.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::dictionary::DICTIONARY;

/// Header names are lowercase; a value may hold several, NUL-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = BytesMut::new();
        out.put_u32(self.0.len() as u32);
        for (name, value) in &self.0 {
            out.put_u32(name.len() as u32);
            out.put_slice(name.to_ascii_lowercase().as_bytes());
            out.put_u32(value.len() as u32);
            out.put_slice(value.as_bytes());
        }
        out.to_vec()
    }

    fn decode(mut raw: &[u8]) -> Result<Headers, HeaderError> {
        fn take<'a>(raw: &mut &'a [u8]) -> Result<&'a [u8], HeaderError> {
            if raw.remaining() < 4 {
                return Err(HeaderError::Malformed);
            }
            let len = raw.get_u32() as usize;
            if raw.remaining() < len {
                return Err(HeaderError::Malformed);
            }
            let (field, rest) = raw.split_at(len);
            *raw = rest;
            Ok(field)
        }
        if raw.remaining() < 4 {
            return Err(HeaderError::Malformed);
        }
        let count = raw.get_u32() as usize;
        let mut pairs = Vec::new();
        for _ in 0..count {
            let name = String::from_utf8_lossy(take(&mut raw)?).into_owned();
            let value = String::from_utf8_lossy(take(&mut raw)?).into_owned();
            pairs.push((name, value));
        }
        Ok(Headers(pairs))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("header block does not decompress: {0}")]
    Zlib(String),
    #[error("malformed header block")]
    Malformed,
}

/// Compresses the header blocks one end sends.
pub struct HeaderCompressor {
    zlib: Compress,
}

impl Default for HeaderCompressor {
    fn default() -> Self {
        let mut zlib = Compress::new(Compression::default(), true);
        zlib.set_dictionary(DICTIONARY)
            .expect("a fresh zlib stream takes a dictionary");
        HeaderCompressor { zlib }
    }
}

impl HeaderCompressor {
    pub fn compress(&mut self, headers: &Headers) -> Bytes {
        let raw = headers.encode();
        let mut out = Vec::with_capacity(raw.len() + 64);
        let mut input = &raw[..];
        loop {
            out.reserve(256);
            let before = self.zlib.total_in();
            self.zlib
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .expect("compressing into memory cannot fail");
            let used = (self.zlib.total_in() - before) as usize;
            input = &input[used..];
            // A sync flush is complete once it left spare room in the output.
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        Bytes::from(out)
    }
}

/// Decompresses the header blocks the other end sends.
pub struct HeaderDecompressor {
    zlib: Decompress,
}

impl Default for HeaderDecompressor {
    fn default() -> Self {
        HeaderDecompressor {
            zlib: Decompress::new(true),
        }
    }
}

impl HeaderDecompressor {
    pub fn decompress(&mut self, block: &[u8]) -> Result<Headers, HeaderError> {
        let mut out = Vec::with_capacity(block.len() * 4 + 64);
        let mut input = block;
        loop {
            out.reserve(1024);
            let before = self.zlib.total_in();
            let status = match self
                .zlib
                .decompress_vec(input, &mut out, FlushDecompress::Sync)
            {
                Ok(status) => status,
                Err(e) if e.needs_dictionary().is_some() => {
                    self.zlib
                        .set_dictionary(DICTIONARY)
                        .map_err(|e| HeaderError::Zlib(e.to_string()))?;
                    Status::Ok
                }
                Err(e) => return Err(HeaderError::Zlib(e.to_string())),
            };
            let used = (self.zlib.total_in() - before) as usize;
            input = &input[used..];
            let full = out.len() == out.capacity();
            if (input.is_empty() && !full) || status == Status::StreamEnd {
                break;
            }
            if used == 0 && !full && status == Status::BufError {
                break;
            }
        }
        Headers::decode(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        Headers(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_dictionary_is_the_spdy3_one() {
        assert_eq!(DICTIONARY.len(), 1423);
        assert!(DICTIONARY.starts_with(b"\x00\x00\x00\x07options"));
        assert!(DICTIONARY.ends_with(b"enq=0."));
    }

    #[test]
    fn blocks_share_one_zlib_stream_per_direction() {
        let mut compressor = HeaderCompressor::default();
        let mut decompressor = HeaderDecompressor::default();
        let first = headers(&[
            ("streamtype", "error"),
            ("port", "8080"),
            ("requestid", "0"),
        ]);
        let second = headers(&[("streamtype", "data"), ("port", "8080"), ("requestid", "0")]);
        let a = compressor.compress(&first);
        let b = compressor.compress(&second);
        // The second block leans on the first: alone it would not decode.
        assert!(b.len() < a.len(), "{} !< {}", b.len(), a.len());
        assert_eq!(decompressor.decompress(&a), Ok(first));
        assert_eq!(decompressor.decompress(&b), Ok(second.clone()));
        assert_eq!(second.get("streamtype"), Some("data"));
        assert_eq!(second.get("missing"), None);
    }

    #[test]
    fn the_stream_starts_with_the_dictionary_id() {
        let block = HeaderCompressor::default().compress(&Headers::default());
        // zlib header with FDICT set, then the dictionary's Adler-32.
        assert_eq!(block[1] & 0x20, 0x20);
        let adler = u32::from_be_bytes([block[2], block[3], block[4], block[5]]);
        assert_eq!(adler, 0xe3c6_a7c2);
    }

    #[test]
    fn an_empty_block_is_zero_pairs() {
        let mut decompressor = HeaderDecompressor::default();
        let block = HeaderCompressor::default().compress(&Headers::default());
        assert_eq!(decompressor.decompress(&block), Ok(Headers::default()));
    }

    #[test]
    fn garbage_is_an_error() {
        let mut decompressor = HeaderDecompressor::default();
        assert!(decompressor.decompress(b"not zlib at all").is_err());
    }
}
