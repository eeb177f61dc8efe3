"""The ``numtorch`` command (also ``python -m numtorch``): ``info``, ``quickstart`` and
``run SCRIPT [ARGS...]``, which runs an unmodified PyTorch script on numtorch."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) >= 2 and argv[0] == "run" and not argv[1].startswith("-"):
        # the script's arguments pass through untouched (``--``, ``--help`` included)
        from .compat import run_main

        return run_main(argv[1], argv[2:])
    parser = argparse.ArgumentParser(prog="numtorch",
                                     description="PyTorch's API and behaviour on NumPy")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions, BLAS in use, threads and devices")
    run = sub.add_parser("run", help="run an unmodified PyTorch script on numtorch")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    from .quickstart import add_arguments as quickstart_arguments

    quickstart_arguments(sub.add_parser(
        "quickstart", help="train, evaluate, save and export a model (PyTorch's quickstart)"))
    args = parser.parse_args(argv)
    if args.command == "run":
        from .compat import run_main

        return run_main(args.script, args.args)
    if args.command == "quickstart":
        from .quickstart import run_from_args

        return run_from_args(args)
    if args.command == "info":
        from .utils.collect_env import main as info

        info()
    return 0


if __name__ == "__main__":
    sys.exit(main())
