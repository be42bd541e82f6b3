package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type listOptions struct {
	*globalOptions
	json bool
}

func newListCmd(g *globalOptions) *cobra.Command {
	o := &listOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the lessons in learning order",
		Example: `  docktutor list
  docktutor list --json | jq -r '.lessons[].id'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return o.run() },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON instead of a table")
	return cmd
}

type listedLesson struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Strategies []string `json:"strategies"`
}

func (o *listOptions) run() error {
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	out := o.streams.Out
	if o.json {
		list := struct {
			Lessons []listedLesson `json:"lessons"`
		}{Lessons: []listedLesson{}}
		for _, l := range c.Lessons {
			ll := listedLesson{ID: l.ID, Title: l.Title, Summary: l.Summary}
			for _, s := range l.Strategies {
				ll.Strategies = append(ll.Strategies, s.ID)
			}
			list.Lessons = append(list.Lessons, ll)
		}
		return writeJSON(out, list)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tLESSON\tTITLE\tSTRATEGIES")
	for i, l := range c.Lessons {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\n", i+1, l.ID, l.Title, len(l.Strategies))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nOpen one with: docktutor lesson <lesson>")
	return nil
}
