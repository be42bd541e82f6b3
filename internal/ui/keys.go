package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the app. The help line lists only the bindings that do
// something on the current screen and in the current state: each pane and screen offers its
// own (help.KeyMap).
type KeyMap struct {
	Up, Down       key.Binding
	PageUp, PageDn key.Binding
	Open           key.Binding
	Back           key.Binding
	Build          key.Binding
	BuildAll       key.Binding
	NextStrategy   key.Binding
	PrevStrategy   key.Binding
	Focus          key.Binding
	Graph          key.Binding
	Glossary       key.Binding
	Diff           key.Binding
	Answer         key.Binding
	Reveal         key.Binding
	Recheck        key.Binding
	NextLesson     key.Binding
	Cancel         key.Binding
	Retry          key.Binding
	Help           key.Binding
	Quit           key.Binding

	// An exercise's keys.
	Edit, Hint, Check, Reset, Solution key.Binding
	MoveUp, MoveDown                   key.Binding // a prediction's strategy, up or down the order
	Yes                                key.Binding // confirms a reset or showing the solution
}

// DefaultKeyMap returns the standard bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDn:       key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:         key.NewBinding(key.WithKeys("esc", "m"), key.WithHelp("esc", "menu")),
		Build:        key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "build")),
		BuildAll:     key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "build all")),
		NextStrategy: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "strategy")),
		PrevStrategy: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back a strategy")),
		Focus:        key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "focus")),
		Graph:        key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "stage graph")),
		Glossary:     key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "glossary")),
		Diff:         key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "what ships extra")),
		Answer:       key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1–9", "answer")),
		Reveal:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "show evidence")),
		Recheck:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry evidence")),
		NextLesson:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next lesson")),
		Cancel:       key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel build")),
		Retry:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry docker")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Hint:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Check:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check")),
		Reset:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset")),
		Solution: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solution")),
		MoveUp:   key.NewBinding(key.WithKeys("shift+up", "K"), key.WithHelp("shift+↑/K", "move up")),
		MoveDown: key.NewBinding(key.WithKeys("shift+down", "J"), key.WithHelp("shift+↓/J", "move down")),
		Yes:      key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "yes")),
	}
}
