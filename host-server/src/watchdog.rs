//! The hang-up watchdog of a worker process. A session's worker serves its
//! guest on one thread, and that thread can be held inside the driver for
//! ever: a stream waiting for a value nobody will write
//! (`cuStreamWaitValue32`), a kernel that never ends, a context destroy
//! waiting for such work. While it is held it cannot see its guest leave,
//! so it would keep the guest's contexts and memory until the host stops.
//! The watchdog waits for the guest's end of the connection to close; if
//! the worker has not finished its cleanup [`GRACE`] later, it ends the
//! worker process, which makes the driver free everything the process
//! held, and the listener takes back the VM quota the worker counted.

use std::os::fd::RawFd;
use std::time::Duration;

/// How long a worker whose guest has gone may take to finish.
pub const GRACE: Duration = Duration::from_secs(10);

/// Blocks until the peer of the connection `fd` has closed it (or the
/// descriptor is unusable). Reads nothing: the session's thread keeps
/// reading the connection.
fn wait_for_hangup(fd: RawFd) {
    let mut p = libc::pollfd { fd, events: libc::POLLRDHUP, revents: 0 };
    loop {
        p.revents = 0;
        // SAFETY: one valid pollfd; an infinite timeout.
        let r = unsafe { libc::poll(&mut p, 1, -1) };
        if r > 0 && p.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return;
        }
        if r < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Starts the watchdog of connection `fd`: `grace` after the peer closed
/// it, `on_stuck` runs (in a worker: ends the process). The process ending
/// normally first ends the watchdog with it.
///
/// The watchdog's thread reads no environment variables (the worker sets
/// the guest's driver settings before `cuInit`, with this thread running).
///
/// # Errors
/// When the thread cannot be started.
pub fn watch(fd: RawFd, grace: Duration, on_stuck: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new().name("hangup-watchdog".into()).spawn(move || {
        wait_for_hangup(fd);
        std::thread::sleep(grace);
        on_stuck();
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn runs_only_after_the_peer_closes_and_the_grace_passes() {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let (tx, rx) = mpsc::channel();
        watch(ours.as_raw_fd(), Duration::from_millis(200), move || tx.send(Instant::now()).unwrap()).unwrap();
        // Data from the peer is not a hang-up.
        std::io::Write::write_all(&mut &theirs, b"hello").unwrap();
        assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "fired while the peer was connected");
        let closed = Instant::now();
        drop(theirs);
        let fired = rx.recv_timeout(Duration::from_secs(10)).expect("the watchdog did not fire after the peer closed");
        assert!(fired.duration_since(closed) >= Duration::from_millis(200), "fired before the grace passed");
        drop(ours);
    }
}
