package main

import (
	"fmt"
	"io"
	"os"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

func main() {
	b, _ := io.ReadAll(os.Stdin)
	t := ""
	if len(os.Args) > 1 {
		t = os.Args[1]
	}
	g, err := dockerfile.Parse(b, dockerfile.Options{Target: t})
	if err != nil {
		fmt.Println("ERR:", err)
		return
	}
	j, _ := g.MarshalJSON()
	fmt.Println(string(j))
	for _, s := range g.Stages {
		fmt.Printf("%+v\n", s)
	}
}
