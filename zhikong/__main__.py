"""`python -m zhikong` is the `zhikong` command."""

from zhikong.cli import main

main()
