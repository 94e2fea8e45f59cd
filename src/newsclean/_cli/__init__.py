"""The ``newsclean`` command line.

:mod:`.main` builds the parser and dispatches; each subcommand lives in its own module
(:mod:`.clean`, :mod:`.fetch`, :mod:`.schema`). The modules only parse arguments, report and
choose exit statuses: the work is done by the library's public functions.
"""
