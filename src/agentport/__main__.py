"""``python -m agentport`` and the ``agentport`` console script."""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # Answered before click is imported: the version is asked for in tight loops.
        from . import __version__

        print(f"agentport {__version__}")
        return
    from .cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
