"""The foundations every layer reads a file with: bytes, text, parser limits, noqa, paths, RDS000.

The foundations every layer reads a file with: its bytes and text (`reading.py`), Python's own
parser and the limits of what is parsed at all (`syntax.py`), `# noqa` comments (`noqa.py`), the
path a report shows (`paths.py`), and the code a file that cannot be read, decoded or parsed
is reported under.  Nothing here imports the rest of redis-lint but the rules' metadata
(`redis_lint.rulemeta`, standard library only), where that code is defined.
"""

from redis_lint.rulemeta import PARSE_ERROR  # a file that cannot be read, decoded or parsed, or met an internal error

__all__ = ["PARSE_ERROR"]
