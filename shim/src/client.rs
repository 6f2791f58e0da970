//! The connection to cuvm-host: one per guest process, shared by all its
//! threads as one ordered queue. A synchronous call holds the connection from
//! its request to its reply; an asynchronous one (`post`) only while it is
//! written. Established by `cuInit`, to `CUVM_HOST` (default
//! `vsock:2:2832`); a process forked after it must call `cuInit` again.

use std::io::{BufReader, BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cuvm_abi::CUresult;
use cuvm_wire::frame::{self, CHUNK, FrameKind};
use cuvm_wire::hello::{Hello, Welcome};
use cuvm_wire::transport::Stream;
use cuvm_wire::{Address, Decoder, Encoder, ops};

/// The error a call returns when the host cannot be reached any more.
pub const LOST: CUresult = CUresult::CUDA_ERROR_DEVICE_UNAVAILABLE;

struct Conn {
    reader: BufReader<Stream>,
    writer: BufWriter<Stream>,
    broken: bool,
}

/// A connected host.
pub struct Client {
    conn: Mutex<Conn>,
    seq: AtomicU64,
    pid: u32,
    /// The host driver's CUDA version.
    pub host_driver_version: i32,
    /// The host's capability bits (`cuvm_wire::hello::CAN_LAUNCH`...).
    pub capabilities: u32,
}

static CLIENT: Mutex<Option<Arc<Client>>> = Mutex::new(None);

/// The address the guest connects to.
///
/// # Errors
/// A message when `CUVM_HOST` does not parse.
pub fn host_address() -> Result<Address, String> {
    match std::env::var("CUVM_HOST") {
        Ok(s) => Address::parse(&s).map_err(|e| format!("CUVM_HOST: {e}")),
        Err(_) => Ok(Address::default_guest()),
    }
}

/// Connects (or returns the existing connection of this process).
///
/// # Errors
/// `CUDA_ERROR_NO_DEVICE` when no host answers (logged with what was tried
/// and what to set), `CUDA_ERROR_NOT_PERMITTED` when the host refuses.
pub fn connect() -> Result<Arc<Client>, CUresult> {
    let mut slot = CLIENT.lock().map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?;
    if let Some(c) = slot.as_ref() {
        if c.pid == std::process::id() {
            return Ok(Arc::clone(c));
        }
    }
    let address = host_address().map_err(|e| {
        log::error!("{e}");
        CUresult::CUDA_ERROR_NO_DEVICE
    })?;
    let stream = Stream::connect(&address).map_err(|e| {
        log::error!(
            "cannot reach cuvm-host at {address}: {e}; start cuvm-host there, or set CUVM_HOST \
             (vsock:CID:PORT, unix:/path, tcp:HOST:PORT) to where it listens"
        );
        CUresult::CUDA_ERROR_NO_DEVICE
    })?;
    let writer = stream.try_clone().map_err(|_| CUresult::CUDA_ERROR_NO_DEVICE)?;
    let mut conn =
        Conn { reader: BufReader::with_capacity(1 << 20, stream), writer: BufWriter::with_capacity(1 << 20, writer), broken: false };
    let hello = Hello {
        version: cuvm_wire::PROTOCOL_VERSION,
        pid: std::process::id(),
        cuda_version: cuvm_abi::IMPLEMENTED_CUDA_VERSION,
        token: std::env::var("CUVM_TOKEN").map(String::into_bytes).unwrap_or_default(),
        settings: Hello::settings_from_env(),
    };
    let io_err = |e: frame::FrameError| {
        log::error!("handshake with cuvm-host at {address} failed: {e}");
        CUresult::CUDA_ERROR_NO_DEVICE
    };
    frame::write_frame(&mut conn.writer, FrameKind::Hello, 0, 0, 0, &hello.encode()).map_err(io_err)?;
    conn.writer.flush().map_err(|e| io_err(e.into()))?;
    let mut body = Vec::new();
    let h = frame::read_frame(&mut conn.reader, &mut body).map_err(io_err)?;
    let welcome = (h.kind == FrameKind::Welcome).then(|| Welcome::decode(&body).ok()).flatten().ok_or_else(|| {
        log::error!("cuvm-host at {address} answered the handshake with something else");
        CUresult::CUDA_ERROR_NO_DEVICE
    })?;
    if welcome.result != 0 {
        log::error!("cuvm-host at {address} refused the connection: {}", welcome.message);
        return Err(CUresult(welcome.result));
    }
    log::info!("connected to {} at {address} (session {})", welcome.message, welcome.session);
    let client = Arc::new(Client {
        conn: Mutex::new(conn),
        seq: AtomicU64::new(1),
        pid: std::process::id(),
        host_driver_version: welcome.driver_version,
        capabilities: welcome.capabilities,
    });
    *slot = Some(Arc::clone(&client));
    Ok(client)
}

/// The connection, if `cuInit` made one in this process.
///
/// # Errors
/// `CUDA_ERROR_NOT_INITIALIZED`.
pub fn get() -> Result<Arc<Client>, CUresult> {
    let slot = CLIENT.lock().map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?;
    match slot.as_ref() {
        Some(c) if c.pid == std::process::id() => Ok(Arc::clone(c)),
        _ => Err(CUresult::CUDA_ERROR_NOT_INITIALIZED),
    }
}

/// A reply's payload after its result code.
pub struct ReplyBody(Vec<u8>);

impl ReplyBody {
    /// A decoder over the payload.
    #[must_use]
    pub fn decoder(&self) -> Decoder<'_> {
        Decoder::new(&self.0)
    }
}

impl Client {
    fn lock(&self) -> Result<MutexGuard<'_, Conn>, CUresult> {
        let conn = self.conn.lock().map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?;
        if conn.broken { Err(LOST) } else { Ok(conn) }
    }

    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// A synchronous call: sends `body` (and `data` in Data frames, if
    /// any), waits for the reply, and returns its payload. With `sink`, the
    /// reply is followed by Data frames of `[status u32][bytes]` which are
    /// written into it in order.
    ///
    /// # Errors
    /// The host's result code, or [`LOST`] when the connection breaks.
    pub fn call_bulk(&self, op: u32, ctx: u64, body: &[u8], data: Option<&[u8]>, sink: Option<&mut [u8]>) -> Result<ReplyBody, CUresult> {
        // cuvm's own ops run no hooks: the hooks send them while holding
        // their tables.
        let hooked = !ops::is_own(op);
        if hooked {
            crate::mirror::before_call(self, ctx)?;
            crate::managed::before_call(self, ctx)?;
        }
        let r = self.exchange(op, ctx, body, data, sink);
        if r.is_ok() && hooked {
            crate::mirror::after_call(self, op, ctx)?;
            crate::managed::after_call(self, op, ctx)?;
        }
        r
    }

    fn exchange(&self, op: u32, ctx: u64, body: &[u8], data: Option<&[u8]>, sink: Option<&mut [u8]>) -> Result<ReplyBody, CUresult> {
        let mut conn = self.lock()?;
        let seq = self.next_seq();
        let outcome = (|| -> Result<Result<ReplyBody, CUresult>, frame::FrameError> {
            frame::write_frame(&mut conn.writer, FrameKind::Call, op, seq, ctx, body)?;
            if let Some(data) = data {
                for chunk in data.chunks(CHUNK) {
                    frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, ctx, chunk)?;
                }
            }
            conn.writer.flush()?;
            let mut buf = Vec::new();
            let h = frame::read_frame(&mut conn.reader, &mut buf)?;
            if h.kind != FrameKind::Reply || h.seq != seq || buf.len() < 4 {
                return Err(frame::FrameError::Io(std::io::ErrorKind::InvalidData.into()));
            }
            let code = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
            if code != 0 {
                return Ok(Err(CUresult(code)));
            }
            buf.drain(..4);
            if let Some(sink) = sink {
                let mut offset = 0;
                let mut chunk = Vec::new();
                while offset < sink.len() {
                    let h = frame::read_frame(&mut conn.reader, &mut chunk)?;
                    if h.kind != FrameKind::Data || h.seq != seq || chunk.len() < 4 {
                        return Err(frame::FrameError::Io(std::io::ErrorKind::InvalidData.into()));
                    }
                    let status = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                    if status != 0 {
                        return Ok(Err(CUresult(status)));
                    }
                    let n = chunk.len() - 4;
                    if n == 0 || offset + n > sink.len() {
                        return Err(frame::FrameError::Io(std::io::ErrorKind::InvalidData.into()));
                    }
                    sink[offset..offset + n].copy_from_slice(&chunk[4..]);
                    offset += n;
                }
            }
            Ok(Ok(ReplyBody(buf)))
        })();
        match outcome {
            Ok(result) => result,
            Err(e) => {
                conn.broken = true;
                log::error!("lost the connection to cuvm-host: {e}; CUDA calls now fail with CUDA_ERROR_DEVICE_UNAVAILABLE");
                Err(LOST)
            }
        }
    }

    /// A synchronous call with no bulk data.
    ///
    /// # Errors
    /// As [`Client::call_bulk`].
    pub fn call(&self, op: u32, ctx: u64, body: &Encoder) -> Result<ReplyBody, CUresult> {
        self.call_bulk(op, ctx, body.as_slice(), None, None)
    }

    /// An asynchronous call: written, not waited for. A failure comes back
    /// from the next synchronising call.
    ///
    /// # Errors
    /// [`LOST`] when the connection breaks.
    pub fn post(&self, op: u32, ctx: u64, body: &[u8], data: Option<&[u8]>) -> Result<(), CUresult> {
        if !ops::is_own(op) {
            crate::mirror::before_call(self, ctx)?;
            crate::managed::before_call(self, ctx)?;
        }
        let mut conn = self.lock()?;
        let seq = self.next_seq();
        let written = (|| -> Result<(), frame::FrameError> {
            frame::write_frame(&mut conn.writer, FrameKind::Post, op, seq, ctx, body)?;
            if let Some(data) = data {
                for chunk in data.chunks(CHUNK) {
                    frame::write_frame(&mut conn.writer, FrameKind::Data, op, seq, ctx, chunk)?;
                }
            }
            // Flushed now so the host starts at once; a later batching layer
            // can hold small posts back.
            conn.writer.flush()?;
            Ok(())
        })();
        written.map_err(|e| {
            conn.broken = true;
            log::error!("lost the connection to cuvm-host: {e}");
            LOST
        })
    }
}
