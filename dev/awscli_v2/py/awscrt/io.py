"""awscrt.io stand-in: the logging switches the AWS CLI calls at start-up; the rest are placeholders."""

import enum

from awscrt._missing import module_getattr


class LogLevel(enum.IntEnum):
    NoLogs = 0
    Fatal = 1
    Error = 2
    Warn = 3
    Info = 4
    Debug = 5
    Trace = 6


def init_logging(log_level, file_name):
    """The CRT's own log: nothing to set up in a stand-in."""


def set_log_level(log_level):
    """The CRT's own log: nothing to change in a stand-in."""


__getattr__ = module_getattr(__name__)
