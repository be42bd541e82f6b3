"""hello.py with a bug, for the workflow lesson's test-stage exercise: its greeting lost
its exclamation mark, so test_hello.py fails. A test stage must stop it from shipping.
It prints a greeting and says which Python runs it, so each image's output shows
where the interpreter lives in that image.
"""

import platform
import sys


def greeting(name="docktutor"):
    return f"Hello from hello.py, {name}"  # the exclamation mark got lost: test_hello.py fails


if __name__ == "__main__":
    print(greeting())
    print(f"Python {platform.python_version()} at {sys.executable or 'unknown'}")
