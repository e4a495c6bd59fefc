"""The one compiled part: ingresslab.logs._scan, optional (the log parsers fall back to pure Python).

Everything else about the package is declared in pyproject.toml.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "ingresslab.logs._scan",
            ["ingresslab/logs/_scan.c"],
            extra_compile_args=["-O2"],
            # No compiler (or headers) on this machine: install anyway; parsing stays pure Python.
            optional=True,
        )
    ]
)
