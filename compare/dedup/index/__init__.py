"""The persistent index of fingerprints: the interface (``base``) and its SQLite, Redis and in-memory stores."""
