"""The ``numtorch`` command: ``numtorch info`` (and ``python -m numtorch info``)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
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
        from .compat import run_script

        run_script(args.script, args.args)
        return 0
    if args.command == "quickstart":
        from .quickstart import run_from_args

        return run_from_args(args)
    if args.command == "info":
        from .utils.collect_env import main as info

        info()
    return 0


if __name__ == "__main__":
    sys.exit(main())
