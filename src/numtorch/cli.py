"""The ``numtorch`` command: ``numtorch info`` (and ``python -m numtorch info``)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="numtorch",
                                     description="PyTorch's API and behaviour on NumPy")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions, BLAS in use, threads and devices")
    args = parser.parse_args(argv)
    if args.command == "info":
        from .utils.collect_env import main as info

        info()
    return 0


if __name__ == "__main__":
    sys.exit(main())
