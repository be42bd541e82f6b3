"""hello.py with a dependency: it draws its greeting with the banner package, which
requirements.txt asks for and wheels/ provides.

If banner is not installed where this Python looks, the import fails with
ModuleNotFoundError: that is the point of the pitfalls lesson.
"""

import platform

from banner import box


def greeting(name="docktutor"):
    return f"Hello from hello.py, {name}!"


if __name__ == "__main__":
    print(box(greeting(), f"banner from a wheel, Python {platform.python_version()}"))
