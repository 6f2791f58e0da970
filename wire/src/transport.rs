//! Byte-stream transports. A [`Stream`] is whatever carries frames: a Unix,
//! TCP or AF_VSOCK stream socket. (A shared-memory ring would be another
//! variant here; nothing above this module would change.)

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;

use crate::address::Address;

/// A connected stream.
#[derive(Debug)]
pub enum Stream {
    /// Unix stream socket (also hybrid vsock on the host side).
    Unix(UnixStream),
    /// TCP.
    Tcp(TcpStream),
    /// AF_VSOCK.
    Vsock(vsock::VsockStream),
}

impl Stream {
    /// Connects to `address` (the guest side).
    ///
    /// # Errors
    /// The connect error; `Hybrid` is a host-side listening address only.
    pub fn connect(address: &Address) -> io::Result<Stream> {
        match address {
            Address::Unix(path) => UnixStream::connect(path).map(Stream::Unix),
            Address::Tcp(addr) => {
                let s = TcpStream::connect(addr)?;
                s.set_nodelay(true)?;
                Ok(Stream::Tcp(s))
            }
            Address::Vsock { cid, port } => vsock::VsockStream::connect(&vsock::VsockAddr::new(*cid, *port)).map(Stream::Vsock),
            Address::Hybrid { path, port } => UnixStream::connect(Address::hybrid_socket(path, *port)).map(Stream::Unix),
        }
    }

    /// A second handle to the same stream (one thread reads, another writes).
    ///
    /// # Errors
    /// The dup error.
    pub fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
            Stream::Vsock(s) => Stream::Vsock(s.try_clone()?),
        })
    }

    /// Shuts both directions down, waking a blocked reader.
    pub fn shutdown(&self) {
        let _ = match self {
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Both),
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
            Stream::Vsock(s) => s.shutdown(std::net::Shutdown::Both),
        };
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
            Stream::Vsock(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
            Stream::Vsock(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tcp(s) => s.flush(),
            Stream::Vsock(s) => s.flush(),
        }
    }
}
