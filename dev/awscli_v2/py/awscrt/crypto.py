"""awscrt.crypto stand-in: EC (P-256/P-384) on the `cryptography` package, for `aws login` (DPoP keys).

Same calls as awscrt's EC: new_generate, new_key_from_der_data (SEC1 or
PKCS#8 private keys, SubjectPublicKeyInfo public keys), export_key (SEC1 or
PKCS#8 DER), get_public_coords, sign and verify over a digest (DER
signatures), and the DER signature helpers. RSA and ED25519 are placeholders.
"""

import enum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from awscrt._missing import module_getattr


class ECType(enum.IntEnum):
    P_256 = 0
    P_384 = 1


class ECExportFormat(enum.IntEnum):
    SEC1 = 0
    PKCS8 = 1


_CURVES = {ECType.P_256: ec.SECP256R1, ECType.P_384: ec.SECP384R1}
_DIGESTS = {32: hashes.SHA256, 48: hashes.SHA384, 64: hashes.SHA512}


class EC:
    def __init__(self, private_key=None, public_key=None):
        self._private = private_key
        self._public = public_key or private_key.public_key()

    @staticmethod
    def new_generate(type):
        return EC(ec.generate_private_key(_CURVES[ECType(type)]()))

    @staticmethod
    def new_key_from_der_data(der_data):
        data = bytes(der_data)
        for load in (
            lambda: EC(serialization.load_der_private_key(data, password=None)),
            lambda: EC(public_key=serialization.load_der_public_key(data)),
        ):
            try:
                key = load()
            except (ValueError, TypeError):
                continue
            if isinstance(key._public, ec.EllipticCurvePublicKey):
                return key
        raise ValueError("Failed to parse the EC key from DER data")

    def export_key(self, export_format):
        if self._private is None:
            raise ValueError("A public key cannot be exported as a private key")
        fmt = (
            serialization.PrivateFormat.TraditionalOpenSSL
            if ECExportFormat(export_format) == ECExportFormat.SEC1
            else serialization.PrivateFormat.PKCS8
        )
        return self._private.private_bytes(
            serialization.Encoding.DER, fmt, serialization.NoEncryption()
        )

    def get_public_coords(self):
        numbers = self._public.public_numbers()
        size = (self._public.curve.key_size + 7) // 8
        return (numbers.x.to_bytes(size, "big"), numbers.y.to_bytes(size, "big"))

    def sign(self, digest):
        digest = bytes(digest)
        algorithm = ec.ECDSA(utils.Prehashed(_DIGESTS[len(digest)]()))
        return self._private.sign(digest, algorithm)

    def verify(self, digest, signature):
        digest = bytes(digest)
        algorithm = ec.ECDSA(utils.Prehashed(_DIGESTS[len(digest)]()))
        try:
            self._public.verify(bytes(signature), digest, algorithm)
            return True
        except InvalidSignature:
            return False

    @staticmethod
    def decode_der_signature(signature):
        return utils.decode_dss_signature(bytes(signature))

    @staticmethod
    def encode_der_signature(r, s):
        return utils.encode_dss_signature(
            int.from_bytes(r, "big") if isinstance(r, (bytes, bytearray)) else r,
            int.from_bytes(s, "big") if isinstance(s, (bytes, bytearray)) else s,
        )

    @staticmethod
    def decode_der_signature_to_padded_pair(signature, pad_to):
        r, s = utils.decode_dss_signature(bytes(signature))
        return r.to_bytes(pad_to, "big") + s.to_bytes(pad_to, "big")


__getattr__ = module_getattr(__name__)
