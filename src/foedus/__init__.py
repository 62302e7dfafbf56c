"""foedus: an open engine for the international alliance system."""

__version__ = "0.1.0"
