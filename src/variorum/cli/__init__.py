"""The ``variorum`` command line: one module per command, registered in :mod:`variorum.cli.app`."""
