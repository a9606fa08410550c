"""``python -m cxdial.cli``: the same as the ``cxdial`` script."""

from cxdial.cli import main

main()
