#!/usr/bin/env python3
"""Set-up in one step: `python3 zk.py start` runs the bot (or the sandbox), `python3 zk.py test` every check.

Each creates the virtual environment `.venv` on first use and installs the project into it, so a fresh
machine needs only Python 3.11+ with pip. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("ZHIKONG_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*command: str | Path) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    result = subprocess.run([str(part) for part in command], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def install(extra: str = "") -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this file runs before anything checks the version)
        sys.exit(f"zhikong needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"creating the virtual environment in {VENV.name}/ ...", flush=True)
        venv.create(VENV, with_pip=True)
    target = f".{extra}" if extra else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)


def ensure_chromium() -> None:
    """The browser test drives Debian's chromium; as root on Debian, install it if it is missing."""
    if shutil.which("chromium"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("installing Debian's chromium for the browser test ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            if subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL).returncode != 0:
                print("could not install chromium; the browser test will say why it is skipped", flush=True)
                return
    else:
        print("chromium is not installed (apt-get install chromium); the browser test will be skipped", flush=True)


def main(argv: list[str]) -> None:
    action = argv[0] if argv else ""
    if action == "start":
        install()
        os.chdir(ROOT)
        os.execv(str(BIN / "zhikong"), [str(BIN / "zhikong"), "start"])
    elif action == "test":
        install("[test]")
        ensure_chromium()
        run(PYTHON, "-m", "ruff", "check", ".")
        run(PYTHON, "-m", "mypy")
        run(PYTHON, "-m", "pytest", *argv[1:])
    else:
        sys.exit("usage: python3 zk.py start | python3 zk.py test [pytest arguments]")


if __name__ == "__main__":
    main(sys.argv[1:])
