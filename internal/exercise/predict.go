package exercise

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// Grading is how close a predicted order came to the measured one.
type Grading struct {
	// Right counts the pairs of strategies the prediction puts in the measured order, out of
	// Pairs (n·(n-1)/2). Ties in the measurements count as right either way.
	Right, Pairs int
	Exact        bool     // every pair right
	Measured     []string // the strategies by measured size, largest first
}

// Grade compares a prediction (strategy ids, largest image first) with measured sizes in
// bytes. A strategy missing from measured counts as size 0.
func Grade(prediction []string, measured map[string]int64) Grading {
	g := Grading{Measured: slices.Clone(prediction)}
	slices.SortStableFunc(g.Measured, func(a, b string) int {
		switch {
		case measured[a] > measured[b]:
			return -1
		case measured[a] < measured[b]:
			return 1
		}
		return 0
	})
	for i := range prediction {
		for j := i + 1; j < len(prediction); j++ {
			g.Pairs++
			if measured[prediction[i]] >= measured[prediction[j]] {
				g.Right++
			}
		}
	}
	g.Exact = g.Right == g.Pairs
	return g
}

// predict grades a prediction: the strategies are built (from the cache after the lesson) and
// measured through lab, as the lesson screen does.
func (c *checker) predict(ctx context.Context, p *lesson.Predict) (Report, error) {
	goal := c.ex.Goals[0]
	order, err := lesson.ParsePrediction(c.src, p.Strategies)
	if err != nil {
		c.rep.Error = c.ex.WorkspaceFile() + ": " + err.Error()
		c.failAll("not checked: the prediction does not read")
		return c.finish(), nil
	}
	measured := map[string]int64{}
	for _, id := range p.Strategies {
		s, ok := c.courseStrategy(p.Lesson, id)
		if !ok {
			return c.finish(), fmt.Errorf("predict: no strategy %s in lesson %s", id, p.Lesson)
		}
		res, err := lab.Run(ctx, c.eng, s, lab.Options{Builder: c.opts.Builder, Namespace: c.opts.Namespace}, lab.Hooks{Event: c.event, Phase: c.phase})
		if res.SizeBytes == 0 {
			if err == nil || infra(ctx, err) {
				return c.finish(), err
			}
			c.rep.Error = fmt.Sprintf("measuring %s: %v", id, err)
			c.failAll("not checked: a strategy did not build")
			return c.finish(), nil
		}
		measured[id] = res.SizeBytes
	}
	g := Grade(order, measured)
	var sizes []string
	for _, id := range g.Measured {
		sizes = append(sizes, fmt.Sprintf("%s %s", id, sizeText(measured[id])))
	}
	v := Verdict{
		Passed:   g.Exact,
		Measured: fmt.Sprintf("%d of %d pairs in the right order", g.Right, g.Pairs),
		Want:     want(goal),
	}
	if !g.Exact {
		v.Where = "measured, largest first: " + strings.Join(sizes, " > ")
	}
	c.record(goal, v)
	return c.finish(), nil
}
