#!/usr/bin/python3
"""Shrink a Chromium screenshot for docs/: RGB to a 256-colour palette.

    tests/report/png_palette.py IN.png OUT.png

A page of text and flat charts has a few hundred colours, most of them
anti-aliasing; the 256 most frequent are kept and every other becomes
the nearest of them, so the image looks the same at a third of the size.
Standard library only (Debian's python3): 8-bit RGB in, as Chromium
writes it.
"""
import struct
import sys
import zlib


def chunks(data):
    pos = 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        yield data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n


def unfilter(raw, width, height, bpp):
    """The scanlines of a PNG's inflated IDAT, each as bytes."""
    stride = width * bpp
    prev = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        yield bytes(line)
        prev = line


def chunk(kind, body):
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def main(src, dst):
    data = open(src, "rb").read()
    parts = list(chunks(data))
    width, height, depth, ctype = struct.unpack(">IIBB", parts[0][1][:10])
    if parts[0][0] != b"IHDR" or depth != 8 or ctype not in (2, 6):
        sys.exit(f"{src}: not an 8-bit RGB or RGBA PNG")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in parts if kind == b"IDAT"))
    rows = list(unfilter(raw, width, height, bpp))
    count = {}
    for row in rows:
        for i in range(0, len(row), bpp):
            px = row[i:i + 3]
            count[px] = count.get(px, 0) + 1
    palette = sorted(count, key=lambda px: -count[px])[:256]
    index = {px: n for n, px in enumerate(palette)}
    for px in count:
        if px not in index:
            index[px] = min(range(len(palette)), key=lambda n: sum(
                (x - y) * (x - y) for x, y in zip(px, palette[n])))
    out = bytearray()
    for row in rows:
        out.append(0)
        out.extend(index[row[i:i + 3]] for i in range(0, len(row), bpp))
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))
    png += chunk(b"PLTE", b"".join(palette))
    png += chunk(b"IDAT", zlib.compress(bytes(out), 9))
    png += chunk(b"IEND", b"")
    open(dst, "wb").write(png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
