#!/usr/bin/env python3
"""Writes a gzip-compressed cpio (newc) archive of a directory tree: the
guest's initramfs. Usage: mkcpio.py ROOT OUTPUT.cpio.gz"""
import gzip
import os
import stat
import sys


def entries(root):
    yield "."
    for base, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            yield os.path.relpath(os.path.join(base, name), root)


def header(name, st, size, ino):
    fields = [ino, st.st_mode, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main(root, output):
    with gzip.open(output, "wb", compresslevel=6) as out:
        for ino, rel in enumerate(entries(root), 1):
            path = os.path.join(root, rel)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            else:
                data = b""
            h = header(rel, st, len(data), ino)
            out.write(h + pad(len(h)) + data + pad(len(data)))
        trailer = header("TRAILER!!!", os.stat_result((0,) * 10), 0, 0)
        out.write(trailer + pad(len(trailer)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
