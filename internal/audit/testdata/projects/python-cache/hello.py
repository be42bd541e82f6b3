import docktutor_banner  # noqa: F401 (the fixture's one dependency)

print("hello from a fixture")
