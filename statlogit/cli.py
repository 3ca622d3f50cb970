"""The ``statlogit`` command. With no arguments it fits the bundled Pima model."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    import statlogit as sl

    res = sl.logit("diabetes ~ glucose + mass + age", data=sl.datasets.load_pima())
    print(res.summary(ci_method="profile"))
    return 0
