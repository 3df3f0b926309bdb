"""Discovery, decoding, parsing, rule dispatch and suppression: the one engine
behind the CLI and the flake8 plugin."""
