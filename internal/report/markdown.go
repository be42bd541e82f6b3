package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/human"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Markdown renders the report as GitHub-flavoured Markdown: headings, tables and lists only,
// which glamour draws in a terminal and a code-hosting site renders as it is. Text from the
// lessons is escaped where a table or the line structure would break on it.
func Markdown(r Report) string {
	var b strings.Builder
	t := r.Totals()
	title := "docktutor report"
	if r.Learner != "" {
		title += ": " + inline(r.Learner)
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "Written %s.\n\n", day(r.Generated, true))
	fmt.Fprintf(&b, "- **Lessons done:** %d of %d\n", t.LessonsDone, t.Lessons)
	fmt.Fprintf(&b, "- **Strategies built:** %d of %d\n", t.Built, t.Strategies)
	if t.Questions > 0 {
		fmt.Fprintf(&b, "- **Questions answered:** %d of %d (%d right)\n", t.Answered, t.Questions, t.Correct)
	}
	if t.Exercises > 0 {
		fmt.Fprintf(&b, "- **Exercises done:** %d of %d\n", t.ExercisesDone, t.Exercises)
	}

	b.WriteString("\n## Lessons\n\n")
	b.WriteString("| # | Lesson | Status | Built | Questions | Done on |\n")
	b.WriteString("|--:|---|---|--:|--:|---|\n")
	for i, l := range r.Lessons {
		built, questions := 0, "–"
		for _, s := range l.Strategies {
			if s.Built {
				built++
			}
		}
		if len(l.Answers) > 0 {
			answered, right := 0, 0
			for _, a := range l.Answers {
				if a.Answered {
					answered++
				}
				if a.Correct {
					right++
				}
			}
			questions = fmt.Sprintf("%d/%d (%d right)", answered, len(l.Answers), right)
		}
		fmt.Fprintf(&b, "| %d | %s — %s | %s | %d/%d | %s | %s |\n", i+1, cell("`"+l.ID+"`"), cell(l.Title),
			statusWord(l.Status), built, len(l.Strategies), questions, day(l.Completed, false))
	}

	b.WriteString("\n## Sizes measured\n\n")
	var rows []string
	for _, l := range r.Lessons {
		for _, s := range l.Strategies {
			m := s.Measured
			if m == nil {
				continue
			}
			base := "`" + m.BaseImage + "`"
			if m.StandIn {
				base += " (test stand-in)"
			}
			rows = append(rows, fmt.Sprintf("| `%s` | `%s` | %s | %s | %s | %d | %d/%d | %s |",
				l.ID, s.ID, cell(base), cell(m.Builder), human.Size(m.SizeBytes), m.Layers,
				m.CachedSteps, m.Steps, day(m.At, false)))
		}
	}
	if len(rows) == 0 {
		b.WriteString("Nothing measured yet: build a lesson's strategies (`docktutor lesson <id>`, then `b`).\n")
	} else {
		b.WriteString("| Lesson | Strategy | Base image | Builder | Size | Layers | Cached steps | Measured |\n")
		b.WriteString("|---|---|---|---|--:|--:|--:|---|\n")
		b.WriteString(strings.Join(rows, "\n") + "\n")
		for _, l := range r.Lessons {
			if standIns(l) {
				b.WriteString("\nA base image marked *test stand-in* is docktutor's offline fixture, not the published image: its sizes keep the real order, not the real numbers.\n")
				break
			}
		}
	}

	if t.Questions > 0 {
		b.WriteString("\n## Answers\n")
		for _, l := range r.Lessons {
			if len(l.Answers) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n### %s — %s\n\n", inline("`"+l.ID+"`"), inline(l.Title))
			for i, a := range l.Answers {
				fmt.Fprintf(&b, "%d. %s  \n", i+1, inline(a.Text))
				switch {
				case !a.Answered:
					b.WriteString("   Not answered yet.\n")
				case a.Correct:
					fmt.Fprintf(&b, "   ✓ %s\n", inline(a.Choice))
				default:
					fmt.Fprintf(&b, "   ✗ %s — the answer: %s\n", inline(a.Choice), inline(a.Right))
				}
			}
		}
	}

	b.WriteString("\n## Exercises\n\n")
	if len(r.Exercises) == 0 {
		b.WriteString("No exercises recorded.\n")
	} else {
		b.WriteString("| Lesson | Exercise | Status | Last checked |\n")
		b.WriteString("|---|---|---|---|\n")
		for _, e := range r.Exercises {
			status := "not done"
			if e.Done {
				status = "✓ done"
			}
			if e.Detail != "" {
				status += " · " + e.Detail
			}
			name := "`" + e.ID + "`"
			if e.Title != "" {
				name += " " + e.Title
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", e.Lesson, cell(name), cell(status), day(e.At, false))
		}
	}
	return b.String()
}

func standIns(l Lesson) bool {
	for _, s := range l.Strategies {
		if s.Measured != nil && s.Measured.StandIn {
			return true
		}
	}
	return false
}

func statusWord(status string) string {
	switch status {
	case StatusDone:
		return "✓ done"
	case StatusPartial:
		return "started"
	}
	return "not started"
}

// day writes a date in UTC, with the time of day when clock is set; "–" for none.
func day(t time.Time, clock bool) string {
	if t.IsZero() {
		return "–"
	}
	if clock {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return t.UTC().Format("2006-01-02")
}

// inline makes text safe on one Markdown line: line breaks become spaces.
func inline(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cell makes text safe in a table cell: one line, and no bare "|", which would end the cell.
func cell(s string) string {
	return strings.ReplaceAll(inline(s), "|", `\|`)
}
