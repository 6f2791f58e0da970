//! The answer of the integrity-check export table (d4082055, slot 1), which
//! libcudart asks for three times while it initialises (versions V+0, V+1 and
//! V+2, V its own CUDA version) and compares with what it computes itself.
//!
//! Facts used (`../shared/reference/export-tables.md`, and the vectors
//! measured on driver 580.159.04 in the tests below):
//! - versions ending in 0 or 1 get two fixed 128-bit answers;
//! - any other version gets a keyed hash, HMAC with the MD2 hash function
//!   (RFC 2104 over RFC 1319) under a fixed 16-byte key, of a 48-byte record
//!   {driver version, version, process id, thread id (low 32 bits of
//!   `pthread_self`), address of the cudart-interface table, address of the
//!   integrity table, address of the slot-1 function, the caller's unix time}
//!   followed by 28 bytes per device {UUID, PCI domain, PCI bus, PCI device},
//!   all little-endian; the answer is the 16-byte MAC as two u64 words.
//!
//! Because the table and function addresses are hashed, the answer must be
//! computed in the guest process from its own tables: forwarding the call to
//! the host would hash the host driver's addresses.

use hmac::{Mac, SimpleHmac};
use md2::Md2;

/// The HMAC key the driver uses.
const KEY: [u8; 16] = [0x14, 0x6a, 0xdd, 0xae, 0x53, 0xa9, 0xa7, 0x52, 0xaa, 0x08, 0x41, 0x36, 0x0b, 0xf5, 0x5a, 0x9f];

/// The process- and call-specific inputs of the hash.
#[derive(Clone, Copy, Debug)]
pub struct Inputs {
    /// The driver version the process sees (`cuDriverGetVersion`).
    pub driver_version: u32,
    /// The version argument of the call.
    pub version: u32,
    pub process_id: u32,
    /// Low 32 bits of the calling thread's `pthread_self()`.
    pub thread_id: u32,
    pub cudart_table: u64,
    pub integrity_table: u64,
    pub slot1_function: u64,
    /// The caller's time argument.
    pub unix_seconds: u64,
}

/// What is hashed of each device, in ordinal order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device {
    pub uuid: [u8; 16],
    pub pci_domain: i32,
    pub pci_bus: i32,
    pub pci_device: i32,
}

/// The fixed answer for versions ending in 0 or 1, if `version` is one.
pub fn fixed_answer(version: u32) -> Option<[u64; 2]> {
    match version % 10 {
        0 => Some([0x3341_181c_03cb_675c, 0x8ed3_83aa_1f4c_d1e8]),
        1 => Some([0x1841_181c_03cb_675c, 0x8ed3_83aa_1f4c_d1e8]),
        _ => None,
    }
}

/// The serialised message: the 48-byte record, then 28 bytes per device.
fn message(inputs: &Inputs, devices: &[Device]) -> Vec<u8> {
    let mut m = Vec::with_capacity(48 + 28 * devices.len());
    for word in [inputs.driver_version, inputs.version, inputs.process_id, inputs.thread_id] {
        m.extend_from_slice(&word.to_le_bytes());
    }
    for word in [inputs.cudart_table, inputs.integrity_table, inputs.slot1_function, inputs.unix_seconds] {
        m.extend_from_slice(&word.to_le_bytes());
    }
    for d in devices {
        m.extend_from_slice(&d.uuid);
        for word in [d.pci_domain, d.pci_bus, d.pci_device] {
            m.extend_from_slice(&word.to_le_bytes());
        }
    }
    m
}

/// The answer for `inputs` and the devices the process sees.
pub fn answer(inputs: &Inputs, devices: &[Device]) -> [u64; 2] {
    if let Some(fixed) = fixed_answer(inputs.version) {
        return fixed;
    }
    // A 16-byte key never fails: HMAC takes keys of any length.
    let Ok(mut mac) = <SimpleHmac<Md2> as Mac>::new_from_slice(&KEY) else {
        return [0, 0];
    };
    mac.update(&message(inputs, devices));
    let tag = mac.finalize().into_bytes();
    let mut words = [0u64; 2];
    for (i, word) in words.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&tag[i * 8..i * 8 + 8]);
        *word = u64::from_le_bytes(b);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md2_is_rfc_1319() {
        use md2::Digest;
        // Test suite of RFC 1319, appendix A.5.
        let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(&Md2::digest(b"")), "8350e5a3e24c153df2275c9f80692773");
        assert_eq!(hex(&Md2::digest(b"abc")), "da853b0d3f88d99b30283a69e6ded6bb");
        assert_eq!(hex(&Md2::digest(b"message digest")), "ab4f496bfb2a530b219ff33031fe06b0");
    }

    #[test]
    fn fixed_answers_are_the_measured_ones() {
        let mut inputs = Inputs {
            driver_version: 13000,
            version: 13000,
            process_id: 1,
            thread_id: 2,
            cudart_table: 3,
            integrity_table: 4,
            slot1_function: 5,
            unix_seconds: 6,
        };
        assert_eq!(answer(&inputs, &[]), [0x3341181c03cb675c, 0x8ed383aa1f4cd1e8]);
        inputs.version = 13021;
        assert_eq!(answer(&inputs, &[]), [0x1841181c03cb675c, 0x8ed383aa1f4cd1e8]);
    }

    #[test]
    fn message_layout() {
        let inputs = Inputs {
            driver_version: 0x0102_0304,
            version: 13002,
            process_id: 7,
            thread_id: 8,
            cudart_table: 0x1111,
            integrity_table: 0x2222,
            slot1_function: 0x3333,
            unix_seconds: 0x4444,
        };
        let dev = Device { uuid: [0xab; 16], pci_domain: 1, pci_bus: 2, pci_device: 3 };
        let m = message(&inputs, &[dev, dev]);
        assert_eq!(m.len(), 48 + 2 * 28);
        assert_eq!(&m[0..4], &[4, 3, 2, 1]);
        assert_eq!(&m[16..18], &[0x11, 0x11]);
        assert_eq!(&m[40..42], &[0x44, 0x44]);
        assert_eq!(&m[48..64], &[0xab; 16]);
        assert_eq!(&m[64..76], &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
    }

    #[test]
    fn every_input_changes_the_answer() {
        let base = Inputs {
            driver_version: 13000,
            version: 13002,
            process_id: 100,
            thread_id: 200,
            cudart_table: 0x7f00_0000_1000,
            integrity_table: 0x7f00_0000_2000,
            slot1_function: 0x7f00_0000_3000,
            unix_seconds: 1_800_000_000,
        };
        let dev = Device { uuid: [1; 16], pci_domain: 0, pci_bus: 0x19, pci_device: 0 };
        let a = answer(&base, &[dev]);
        let variants = [
            Inputs { process_id: 101, ..base },
            Inputs { thread_id: 201, ..base },
            Inputs { cudart_table: 0x7f00_0000_1008, ..base },
            Inputs { integrity_table: 0x7f00_0000_2008, ..base },
            Inputs { slot1_function: 0x7f00_0000_3008, ..base },
            Inputs { unix_seconds: 1_800_000_001, ..base },
            Inputs { version: 13022, ..base },
        ];
        for v in variants {
            assert_ne!(answer(&v, &[dev]), a, "{v:?}");
        }
        assert_ne!(answer(&base, &[Device { pci_bus: 0x1a, ..dev }]), a);
        assert_ne!(answer(&base, &[]), a);
    }
}
