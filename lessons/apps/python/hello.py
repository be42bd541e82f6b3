"""hello.py: the little app every docktutor lesson ships.

It prints a greeting and says which Python runs it, so each image's output shows
where the interpreter lives in that image.
"""

import platform
import sys


def greeting(name="docktutor"):
    return f"Hello from hello.py, {name}!"


if __name__ == "__main__":
    print(greeting())
    print(f"Python {platform.python_version()} at {sys.executable or 'unknown'}")
