"""``python -m hwiloc <command>``: the package's command line.

Commands: ``verify`` (:mod:`hwiloc.verify`): check every result file; ``config``
(:func:`hwiloc.config.main`): print the merged config of a profile, commented;
``report`` (:mod:`hwiloc.report`): the report of what a partial run has made.
"""

from __future__ import annotations

import sys

COMMANDS = {"verify": "hwiloc.verify", "config": "hwiloc.config", "report": "hwiloc.report"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m hwiloc {{{','.join(COMMANDS)}}} [...]", file=sys.stderr)
        return 2
    import importlib

    return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
