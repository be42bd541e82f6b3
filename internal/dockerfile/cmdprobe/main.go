package main

import (
	"encoding/json"
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
		fmt.Println(`{"error":` + fmt.Sprintf("%q", err.Error()) + `}`)
		return
	}
	type st struct {
		Name, Progress, Base string
		BaseStage            int
		Needed               bool
		Keywords             []string
	}
	out := struct {
		Stages      []st
		Target      int
		LegacyTotal int
		LegacyStage []int
	}{Target: g.Target, LegacyTotal: g.LegacyTotal()}
	for _, s := range g.Stages {
		x := st{Name: s.Name, Progress: s.ProgressName, Base: s.Base, BaseStage: s.BaseStage, Needed: s.Needed}
		for _, in := range s.Instructions {
			x.Keywords = append(x.Keywords, in.Keyword)
		}
		out.Stages = append(out.Stages, x)
	}
	for i := 1; i <= g.LegacyTotal(); i++ {
		out.LegacyStage = append(out.LegacyStage, g.LegacyStage(i))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
