"""The engine: discovery, decoding, parsing, rule dispatch and suppression, behind every adapter."""
