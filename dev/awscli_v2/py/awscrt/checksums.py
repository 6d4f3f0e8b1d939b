"""awscrt.checksums stand-in: CRC32 (zlib), CRC32C and CRC64/NVME (tables); XXHash is a placeholder.

Each takes the bytes and the previous result (0 to start), as awscrt's do.
"""

import zlib

from awscrt._missing import module_getattr


def _table(poly, bits):
    mask = (1 << bits) - 1
    rows = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        rows.append(c & mask)
    return rows


_CRC32C = _table(0x82F63B78, 32)
_CRC64NVME = _table(0x9A6C9329AC4BC9B5, 64)


def _reflected(table, mask, data, previous):
    crc = previous ^ mask
    for byte in bytes(data):
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def crc32(input, previous_crc32=0):
    return zlib.crc32(bytes(input), previous_crc32) & 0xFFFFFFFF


def crc32c(input, previous_crc32c=0):
    return _reflected(_CRC32C, 0xFFFFFFFF, input, previous_crc32c)


def crc64nvme(input, previous_crc64nvme=0):
    return _reflected(_CRC64NVME, 0xFFFFFFFFFFFFFFFF, input, previous_crc64nvme)


__getattr__ = module_getattr(__name__)
