// Command hello is a fixture for docktutor check: a static Go program.
package main

import "fmt"

func main() { fmt.Println("hello from a fixture") }
