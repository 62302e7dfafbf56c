"""`python -m foedus.cli ...`: the same as the `foedus` command."""

from foedus.cli import main

main()
