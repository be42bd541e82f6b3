"""banner draws a box around lines of text.

It is the one dependency of docktutor's lesson app: small, pure Python and shipped as a wheel
beside the app, so that `pip install` has something real to install without a network.
"""

__version__ = "1.0"


def box(*lines):
    """Return the lines framed by a box of ASCII characters."""
    width = max((len(line) for line in lines), default=0)
    edge = "+" + "-" * (width + 2) + "+"
    return "\n".join([edge, *("| " + line.ljust(width) + " |" for line in lines), edge])
