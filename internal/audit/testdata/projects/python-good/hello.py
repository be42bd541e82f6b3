print("hello from a fixture")
