"""The optional C extensions; everything else is in pyproject.toml.

``optional=True``: without a compiler the build goes on and newsclean runs its pure-Python
extractor (see ``newsclean._extract.speedups``) and fingerprint (``newsclean._dedupe``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newsclean._extract._speedups",
            sources=["src/newsclean/_extract/_speedups.c"],
            depends=["src/newsclean/_extract/_lexbor.h"],
            optional=True,
        ),
        Extension(
            "newsclean._dedupe._minhash",
            sources=["src/newsclean/_dedupe/_minhash.c"],
            optional=True,
        ),
    ]
)
