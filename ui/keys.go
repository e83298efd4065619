package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the workbench, by scope. The help view and the
// keymap test are generated from it, so a key cannot do something the help
// does not say. Keys follow DESIGN.md's table.
type KeyMap struct {
	// global
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
	Back      key.Binding

	// lists and panes
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding
	Filter   key.Binding

	// queue
	Undecided key.Binding

	// case view
	NextStep  key.Binding
	PrevStep  key.Binding
	Step      key.Binding
	TruePos   key.Binding
	FalsePos  key.Binding
	Benign    key.Binding
	NeedsInfo key.Binding
	Cause     key.Binding
	Export    key.Binding
	PrevView  key.Binding
	NextView  key.Binding
	PrevItem  key.Binding
	NextItem  key.Binding
	Toggle    key.Binding

	// text fields
	Accept key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the bindings of DESIGN.md plus the pane-local ones.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Help:      b([]string{"?"}, "?", "help"),
		Quit:      b([]string{"q"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "cancel work / quit"),
		Back:      b([]string{"esc"}, "esc", "back / cancel"),

		Up:       b([]string{"k", "up"}, "↑/k", "up"),
		Down:     b([]string{"j", "down"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		Open:     b([]string{"enter"}, "enter", "open"),
		Filter:   b([]string{"/"}, "/", "filter"),

		Undecided: b([]string{"u"}, "u", "undecided only"),

		NextStep:  b([]string{"tab"}, "tab", "next step"),
		PrevStep:  b([]string{"shift+tab"}, "shift+tab", "prev step"),
		Step:      b([]string{"1", "2", "3", "4", "5", "6", "7"}, "1…7", "go to step"),
		TruePos:   b([]string{"t"}, "t", "true positive"),
		FalsePos:  b([]string{"f"}, "f", "false positive"),
		Benign:    b([]string{"b"}, "b", "benign"),
		NeedsInfo: b([]string{"n"}, "n", "needs information"),
		Cause:     b([]string{"c"}, "c", "cause"),
		Export:    b([]string{"e"}, "e", "export notes"),
		PrevView:  b([]string{"h", "left"}, "←/h", "prev view"),
		NextView:  b([]string{"l", "right"}, "→/l", "next view"),
		PrevItem:  b([]string{"["}, "[", "prev capture/session"),
		NextItem:  b([]string{"]"}, "]", "next capture/session"),
		Toggle:    b([]string{" "}, "space", "toggle item"),

		Accept: b([]string{"enter"}, "enter", "accept"),
		Cancel: b([]string{"esc"}, "esc", "cancel"),
	}
}

// scope names a set of bindings that are live at the same time.
type scope int

const (
	scopeQueue scope = iota
	scopeCase
	scopeInput
)

// String names the scope for the keymap test and the help title.
func (s scope) String() string {
	switch s {
	case scopeQueue:
		return "queue"
	case scopeCase:
		return "case"
	default:
		return "input"
	}
}

// global is live in the queue and the case view.
func (k *KeyMap) global() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.ForceQuit, k.Back}
}

// groups returns the help columns for a scope; the first column is the
// short help.
func (k *KeyMap) groups(s scope) [][]key.Binding {
	switch s {
	case scopeQueue:
		return [][]key.Binding{
			{k.Up, k.Down, k.Open, k.Filter, k.Undecided},
			{k.PageUp, k.PageDown, k.Top, k.Bottom},
			k.global(),
		}
	case scopeCase:
		// Three columns, so the full help fits 80 columns.
		return [][]key.Binding{
			{k.NextStep, k.PrevStep, k.Step, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			append([]key.Binding{k.TruePos, k.FalsePos, k.Benign, k.NeedsInfo, k.Cause, k.Export}, k.global()...),
			{k.PrevView, k.NextView, k.PrevItem, k.NextItem, k.Open, k.Toggle, k.Filter},
		}
	default:
		return [][]key.Binding{{k.Accept, k.Cancel, k.ForceQuit}}
	}
}

// helpMap adapts one scope to help.KeyMap.
type helpMap struct {
	k *KeyMap
	s scope
}

// ShortHelp implements help.KeyMap.
func (h helpMap) ShortHelp() []key.Binding {
	switch h.s {
	case scopeQueue:
		return []key.Binding{h.k.Open, h.k.Filter, h.k.Undecided, h.k.Help, h.k.Quit}
	case scopeCase:
		return []key.Binding{h.k.NextStep, h.k.Step, h.k.TruePos, h.k.FalsePos, h.k.Benign, h.k.NeedsInfo, h.k.Export, h.k.Back, h.k.Help}
	default:
		return h.k.groups(scopeInput)[0]
	}
}

// FullHelp implements help.KeyMap.
func (h helpMap) FullHelp() [][]key.Binding { return h.k.groups(h.s) }
