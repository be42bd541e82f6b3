"""Tests for hello.py. They run in a build stage and never ship."""

import unittest

import hello


class GreetingTest(unittest.TestCase):
    def test_greeting_in_a_box(self):
        out = hello.box(hello.greeting())
        self.assertIn("| Hello from hello.py, docktutor! |", out)


if __name__ == "__main__":
    unittest.main()
