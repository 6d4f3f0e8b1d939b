"""awscrt.auth stand-in: the enum values botocore reads at import; signing with SigV4a is not available."""

import enum

from awscrt._missing import module_getattr


class AwsSignatureType(enum.IntEnum):
    HTTP_REQUEST_HEADERS = 0
    HTTP_REQUEST_QUERY_PARAMS = 1


class AwsSigningAlgorithm(enum.IntEnum):
    V4 = 0
    V4_ASYMMETRIC = 1
    V4_S3EXPRESS = 2


class AwsSignedBodyHeaderType(enum.IntEnum):
    NONE = 0
    X_AMZ_CONTENT_SHA_256 = 1


__getattr__ = module_getattr(__name__)
