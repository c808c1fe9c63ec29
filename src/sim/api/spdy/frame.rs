//! SPDY/3.1 frame layout: an 8-byte header (control bit, version and type,
//! or a stream id; flags; a 24-bit length) and the payload. Header blocks
//! stay compressed here; `headers` turns them into names and values.

use bytes::{Buf, BufMut, Bytes, BytesMut};

pub const VERSION: u16 = 3;
pub const FLAG_FIN: u8 = 0x01;
pub const FLAG_UNIDIRECTIONAL: u8 = 0x02;
/// SETTINGS id of the initial stream window.
pub const SETTINGS_INITIAL_WINDOW_SIZE: u32 = 7;
/// Stream and session windows both start at 64 KiB in SPDY/3.1.
pub const INITIAL_WINDOW: u32 = 64 * 1024;
const HEADER_LEN: usize = 8;
const MAX_LENGTH: usize = 0x00ff_ffff;

const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const SETTINGS: u16 = 4;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
const HEADERS: u16 = 8;
const WINDOW_UPDATE: u16 = 9;

/// RST_STREAM and GOAWAY status codes used here.
pub mod status {
    pub const PROTOCOL_ERROR: u32 = 1;
    pub const INVALID_STREAM: u32 = 2;
    pub const REFUSED_STREAM: u32 = 3;
    pub const CANCEL: u32 = 5;
    pub const GOAWAY_OK: u32 = 0;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub flags: u8,
    pub id: u32,
    pub value: u32,
}

/// One frame; `block` fields are compressed header blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    SynStream {
        stream_id: u32,
        associated_to: u32,
        priority: u8,
        flags: u8,
        block: Bytes,
    },
    SynReply {
        stream_id: u32,
        flags: u8,
        block: Bytes,
    },
    RstStream {
        stream_id: u32,
        status: u32,
    },
    Settings {
        flags: u8,
        entries: Vec<Setting>,
    },
    Ping {
        id: u32,
    },
    GoAway {
        last_good_stream_id: u32,
        status: u32,
    },
    Headers {
        stream_id: u32,
        flags: u8,
        block: Bytes,
    },
    WindowUpdate {
        stream_id: u32,
        delta: u32,
    },
    Data {
        stream_id: u32,
        flags: u8,
        data: Bytes,
    },
    /// A control frame of a type SPDY/3.1 does not define: to be ignored.
    Unknown {
        kind: u16,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("unsupported SPDY version {0}")]
    Version(u16),
    #[error("malformed {0} frame")]
    Malformed(&'static str),
    #[error("frame of {0} bytes is too long")]
    TooLong(usize),
}

fn id31(raw: u32) -> u32 {
    raw & 0x7fff_ffff
}

impl Frame {
    /// Takes one whole frame off the front of `buf`; None until one has
    /// arrived. Frames may arrive split or several at once.
    pub fn decode(buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        if buf.len() < HEADER_LEN {
            return Ok(None);
        }
        let length = u32::from_be_bytes([0, buf[5], buf[6], buf[7]]) as usize;
        if buf.len() < HEADER_LEN + length {
            return Ok(None);
        }
        let mut head = buf.split_to(HEADER_LEN);
        let mut payload = buf.split_to(length).freeze();
        let first = head.get_u32();
        let flags = head.get_u8();
        if first & 0x8000_0000 == 0 {
            return Ok(Some(Frame::Data {
                stream_id: id31(first),
                flags,
                data: payload,
            }));
        }
        let version = ((first >> 16) & 0x7fff) as u16;
        let kind = (first & 0xffff) as u16;
        if version != VERSION {
            return Err(FrameError::Version(version));
        }
        let need = |n: usize, name: &'static str| {
            if length < n {
                Err(FrameError::Malformed(name))
            } else {
                Ok(())
            }
        };
        let frame = match kind {
            SYN_STREAM => {
                need(10, "SYN_STREAM")?;
                let stream_id = id31(payload.get_u32());
                let associated_to = id31(payload.get_u32());
                let priority = payload.get_u8() >> 5;
                payload.advance(1); // slot
                Frame::SynStream {
                    stream_id,
                    associated_to,
                    priority,
                    flags,
                    block: payload,
                }
            }
            SYN_REPLY => {
                need(4, "SYN_REPLY")?;
                Frame::SynReply {
                    stream_id: id31(payload.get_u32()),
                    flags,
                    block: payload,
                }
            }
            RST_STREAM => {
                need(8, "RST_STREAM")?;
                Frame::RstStream {
                    stream_id: id31(payload.get_u32()),
                    status: payload.get_u32(),
                }
            }
            SETTINGS => {
                need(4, "SETTINGS")?;
                let count = payload.get_u32() as usize;
                if payload.len() != count.saturating_mul(8) {
                    return Err(FrameError::Malformed("SETTINGS"));
                }
                let entries = (0..count)
                    .map(|_| {
                        let head = payload.get_u32();
                        Setting {
                            flags: (head >> 24) as u8,
                            id: head & 0x00ff_ffff,
                            value: payload.get_u32(),
                        }
                    })
                    .collect();
                Frame::Settings { flags, entries }
            }
            PING => {
                need(4, "PING")?;
                Frame::Ping {
                    id: payload.get_u32(),
                }
            }
            GOAWAY => {
                need(8, "GOAWAY")?;
                Frame::GoAway {
                    last_good_stream_id: id31(payload.get_u32()),
                    status: payload.get_u32(),
                }
            }
            HEADERS => {
                need(4, "HEADERS")?;
                Frame::Headers {
                    stream_id: id31(payload.get_u32()),
                    flags,
                    block: payload,
                }
            }
            WINDOW_UPDATE => {
                need(8, "WINDOW_UPDATE")?;
                Frame::WindowUpdate {
                    stream_id: id31(payload.get_u32()),
                    delta: payload.get_u32() & 0x7fff_ffff,
                }
            }
            kind => Frame::Unknown { kind },
        };
        Ok(Some(frame))
    }

    /// Appends the frame to `out`.
    pub fn encode(&self, out: &mut BytesMut) -> Result<(), FrameError> {
        let mut payload = BytesMut::new();
        let (first, flags) = match self {
            Frame::Data {
                stream_id,
                flags,
                data,
            } => {
                payload.put_slice(data);
                (stream_id & 0x7fff_ffff, *flags)
            }
            Frame::SynStream {
                stream_id,
                associated_to,
                priority,
                flags,
                block,
            } => {
                payload.put_u32(*stream_id);
                payload.put_u32(*associated_to);
                payload.put_u8(priority << 5);
                payload.put_u8(0);
                payload.put_slice(block);
                (control(SYN_STREAM), *flags)
            }
            Frame::SynReply {
                stream_id,
                flags,
                block,
            } => {
                payload.put_u32(*stream_id);
                payload.put_slice(block);
                (control(SYN_REPLY), *flags)
            }
            Frame::RstStream { stream_id, status } => {
                payload.put_u32(*stream_id);
                payload.put_u32(*status);
                (control(RST_STREAM), 0)
            }
            Frame::Settings { flags, entries } => {
                payload.put_u32(entries.len() as u32);
                for s in entries {
                    payload.put_u32((u32::from(s.flags) << 24) | (s.id & 0x00ff_ffff));
                    payload.put_u32(s.value);
                }
                (control(SETTINGS), *flags)
            }
            Frame::Ping { id } => {
                payload.put_u32(*id);
                (control(PING), 0)
            }
            Frame::GoAway {
                last_good_stream_id,
                status,
            } => {
                payload.put_u32(*last_good_stream_id);
                payload.put_u32(*status);
                (control(GOAWAY), 0)
            }
            Frame::Headers {
                stream_id,
                flags,
                block,
            } => {
                payload.put_u32(*stream_id);
                payload.put_slice(block);
                (control(HEADERS), *flags)
            }
            Frame::WindowUpdate { stream_id, delta } => {
                payload.put_u32(*stream_id);
                payload.put_u32(*delta);
                (control(WINDOW_UPDATE), 0)
            }
            Frame::Unknown { .. } => return Err(FrameError::Malformed("unknown control")),
        };
        if payload.len() > MAX_LENGTH {
            return Err(FrameError::TooLong(payload.len()));
        }
        out.put_u32(first);
        out.put_u32((u32::from(flags) << 24) | payload.len() as u32);
        out.put_slice(&payload);
        Ok(())
    }
}

fn control(kind: u16) -> u32 {
    0x8000_0000 | (u32::from(VERSION) << 16) | u32::from(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(frame: Frame) {
        let mut buf = BytesMut::new();
        frame.encode(&mut buf).expect("encodes");
        let decoded = Frame::decode(&mut buf).expect("decodes");
        assert_eq!(decoded, Some(frame));
        assert!(buf.is_empty());
    }

    #[test]
    fn every_frame_round_trips() {
        round_trip(Frame::SynStream {
            stream_id: 1,
            associated_to: 0,
            priority: 7,
            flags: FLAG_FIN,
            block: Bytes::from_static(b"block"),
        });
        round_trip(Frame::SynReply {
            stream_id: 3,
            flags: 0,
            block: Bytes::from_static(b"x"),
        });
        round_trip(Frame::RstStream {
            stream_id: 5,
            status: status::CANCEL,
        });
        round_trip(Frame::Settings {
            flags: 0,
            entries: vec![Setting {
                flags: 0,
                id: SETTINGS_INITIAL_WINDOW_SIZE,
                value: 1 << 20,
            }],
        });
        round_trip(Frame::Ping { id: 1 });
        round_trip(Frame::GoAway {
            last_good_stream_id: 7,
            status: 0,
        });
        round_trip(Frame::Headers {
            stream_id: 9,
            flags: 0,
            block: Bytes::new(),
        });
        round_trip(Frame::WindowUpdate {
            stream_id: 0,
            delta: 4096,
        });
        round_trip(Frame::Data {
            stream_id: 1,
            flags: FLAG_FIN,
            data: Bytes::from_static(b"hello"),
        });
    }

    #[test]
    fn ping_has_the_layout_of_the_spec() {
        let mut buf = BytesMut::new();
        Frame::Ping { id: 1 }.encode(&mut buf).expect("encodes");
        assert_eq!(&buf[..], &[0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]);
    }

    #[test]
    fn a_frame_split_across_reads_waits_for_its_end() {
        let mut whole = BytesMut::new();
        Frame::Data {
            stream_id: 1,
            flags: 0,
            data: Bytes::from_static(b"abcdef"),
        }
        .encode(&mut whole)
        .expect("encodes");
        Frame::Ping { id: 3 }.encode(&mut whole).expect("encodes");
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for byte in whole {
            buf.put_u8(byte);
            while let Some(frame) = Frame::decode(&mut buf).expect("decodes") {
                frames.push(frame);
            }
        }
        assert_eq!(
            frames,
            vec![
                Frame::Data {
                    stream_id: 1,
                    flags: 0,
                    data: Bytes::from_static(b"abcdef"),
                },
                Frame::Ping { id: 3 },
            ]
        );
    }

    #[test]
    fn other_versions_and_short_frames_are_errors() {
        let mut v2 = BytesMut::from(&[0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1][..]);
        assert_eq!(Frame::decode(&mut v2), Err(FrameError::Version(2)));
        let mut short = BytesMut::from(&[0x80, 3, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1][..]);
        assert_eq!(
            Frame::decode(&mut short),
            Err(FrameError::Malformed("RST_STREAM"))
        );
    }

    #[test]
    fn unknown_control_frames_are_skipped() {
        let mut buf = BytesMut::from(&[0x80, 3, 0, 0x0a, 0, 0, 0, 2, 9, 9][..]);
        assert_eq!(
            Frame::decode(&mut buf),
            Ok(Some(Frame::Unknown { kind: 0x0a }))
        );
        assert!(buf.is_empty());
    }
}
