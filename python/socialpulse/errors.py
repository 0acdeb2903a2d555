"""The exceptions socialpulse raises, one class per kind of failure, so callers can
branch on the class instead of the message. Each also derives from the built-in
exception that was raised before the classes existed (``ValueError`` for a config,
``RuntimeError`` for the rest), so existing handlers keep working.

==================  ===============================================  ===============
class               raised when                                      CLI exit status
==================  ===============================================  ===============
``ConfigError``     the config, the key or a value cannot be used    2
``NeedsFullError``  the config changed in a way only ``--full``      2
                    (the raw inputs) can follow
``LockedError``     another run holds the output directory           4
``NoInputsError``   no input file was found (the message names       1
                    what was wrong with each path)
``OutputError``     the output could not be created, opened or       1
                    locked
``RunFailed``       anything else: a failed write, a damaged file    1
==================  ===============================================  ===============
"""


class SocialpulseError(Exception):
    """Base of every socialpulse exception."""


class ConfigError(SocialpulseError, ValueError):
    """The config, the pseudonymisation key or a value cannot be used as given."""


class NeedsFullError(SocialpulseError, RuntimeError):
    """The config changed in a way the stored posts cannot follow: rebuild with --full."""


class LockedError(SocialpulseError, RuntimeError):
    """Another run holds the output directory."""


class NoInputsError(SocialpulseError, FileNotFoundError, RuntimeError):
    """No input file was found."""


class OutputError(SocialpulseError, OSError, RuntimeError):
    """The output directory could not be created, opened or locked."""


class RunFailed(SocialpulseError, RuntimeError):
    """Any other failure of a run."""


__all__ = [
    "SocialpulseError",
    "ConfigError",
    "NeedsFullError",
    "LockedError",
    "NoInputsError",
    "OutputError",
    "RunFailed",
]
