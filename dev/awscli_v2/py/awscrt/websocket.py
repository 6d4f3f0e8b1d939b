"""awscrt.websocket stand-in: placeholders only (the commands aws-signin compares with never use it)."""

from awscrt._missing import module_getattr

__getattr__ = module_getattr(__name__)
