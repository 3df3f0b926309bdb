"""The flake8 plugin (`RDS`): a thin adapter over the engine.

flake8 hands over the file's lines; configuration comes from the same
`[tool.redis-lint]` the CLI reads, found from the file's folder.  flake8
applies `# noqa` itself, so the engine's own noqa pass is skipped here and
`--disable-noqa` keeps working.  A broken configuration cannot stop flake8
cleanly from inside a plugin, so it is reported as RDS000 on each file; a
file Python cannot decode is reported as RDS000 too, as the CLI reports it
(flake8 falls back to latin-1 for it and goes on).
The plugin skips the files the prefilter rules out and keeps results in the
same cache folder as the CLI (under a key of its own).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from redis_lint import __version__
from redis_lint.config import Config, ConfigError
from redis_lint.engine.run import _decoding_problem as decoding_problem
from redis_lint.engine.run import cached, store
from redis_lint.source.reading import read_source
from redis_lint.engine.session import cache_for, config_for, config_problem, prefilter_for, project_for
from redis_lint.findings import Finding


class RedisLintPlugin:
    name = "redis-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        path = Path(self.filename)
        config = config_for(path.absolute().parent)
        if isinstance(config, ConfigError):
            findings = [config_problem(self.filename, config)]
        elif config.is_excluded(config.relative(path)):
            return
        elif undecodable := self._undecodable(path, config):
            findings = undecodable
        elif not prefilter_for(config).may_find(path):
            return
        else:
            findings = self._findings(path, config)
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)

    @staticmethod
    def _undecodable(path: Path, config: Config) -> list[Finding]:
        """RDS000 for a file Python cannot decode, as the CLI reports it: flake8 falls back to
        latin-1 for such a file and checks it as if nothing were wrong."""
        data = prefilter_for(config).text(path)
        if data is None:
            try:
                data = read_source(path)
            except OSError:
                return []  # standard input, or gone: flake8 read the lines itself
        return decoding_problem(path, data, config)

    def _findings(self, path: Path, config: Config) -> list[Finding]:
        """From the cache when this text was checked before and what it read is unchanged."""
        source = "".join(self.lines)
        scan = prefilter_for(config)
        cache = cache_for(config, "flake8")
        key = cache.key(path, source.encode("utf-8", "surrogatepass")) if cache is not None else None
        hit = cached(cache, key, scan)
        if hit is not None:
            return hit.findings
        from redis_lint.engine.linter import analyse_source

        result = analyse_source(source, path=path, display=self.filename, config=config, apply_noqa=False,
                                project=project_for(config))
        store(cache, key, result, scan)
        return result.findings
