"""Tests for hello.py. They run in a build stage and never ship."""

import unittest

import hello


class GreetingTest(unittest.TestCase):
    def test_default_name(self):
        self.assertEqual(hello.greeting(), "Hello from hello.py, docktutor!")

    def test_other_name(self):
        self.assertIn("class", hello.greeting("class"))


if __name__ == "__main__":
    unittest.main()
