"""A LibCST codemod that changes nothing: the baseline for LibCST's own runner.

    python -m libcst.tool codemod -x trivial_codemod.TrivialCommand --no-format PATH

(run with ``benchmarks/`` on ``PYTHONPATH``; ``run.py`` does this for you).
"""
from libcst.codemod import VisitorBasedCodemodCommand


class TrivialCommand(VisitorBasedCodemodCommand):
    """Parse, visit every node, and return each module unchanged."""

    DESCRIPTION = "Changes nothing."
