package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

func main() {
	b, _ := os.ReadFile(os.Args[1])
	w, _ := strconv.Atoi(os.Args[2])
	t := ""
	if len(os.Args) > 3 {
		t = os.Args[3]
	}
	g, err := dockerfile.Parse(b, dockerfile.Options{Target: t})
	if err != nil {
		fmt.Println(err)
		return
	}
	var states map[int]stagegraph.State
	if os.Getenv("STATES") != "" {
		states = map[int]stagegraph.State{0: stagegraph.Done, 1: stagegraph.Building}
	}
	st := stagegraph.PlainStyles()
	if os.Getenv("COLOR") != "" {
		st = stagegraph.DefaultStyles(true)
	}
	fmt.Println(stagegraph.Render(g, states, st, w))
}
