package ui

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// No two bindings live in the same scope share a key, and every binding
// says what it does.
func TestKeyMapNoDuplicatesAndHelp(t *testing.T) {
	k := DefaultKeyMap()
	for _, s := range []scope{scopeQueue, scopeCase, scopeInput} {
		seen := map[string]string{}
		bindings := map[*key.Binding]bool{}
		var all []key.Binding
		for _, g := range k.groups(s) {
			all = append(all, g...)
		}
		for _, b := range all {
			h := b.Help()
			if h.Key == "" || h.Desc == "" {
				t.Errorf("%s: binding %v has no help", s, b.Keys())
			}
			for _, kk := range b.Keys() {
				if prev, dup := seen[kk]; dup && prev != h.Desc {
					t.Errorf("%s: key %q bound to both %q and %q", s, kk, prev, h.Desc)
				}
				seen[kk] = h.Desc
			}
		}
		_ = bindings
	}
}

// The key table of DESIGN.md is bound as written.
func TestKeyMapDesignTable(t *testing.T) {
	k := DefaultKeyMap()
	want := map[string]key.Binding{
		"?": k.Help, "j": k.Down, "k": k.Up, "down": k.Down, "up": k.Up, "enter": k.Open, "esc": k.Back,
		"tab": k.NextStep, "shift+tab": k.PrevStep, "1": k.Step, "7": k.Step, "/": k.Filter,
		"t": k.TruePos, "f": k.FalsePos, "b": k.Benign, "n": k.NeedsInfo, "c": k.Cause, "e": k.Export, "q": k.Quit,
	}
	for name, b := range want {
		if !key.Matches(Key(name), b) {
			t.Errorf("key %q does not trigger %q", name, b.Help().Desc)
		}
	}
}

// Every binding of the queue and case scopes appears in the full help,
// even at 80 columns.
func TestHelpListsEveryScopeBinding(t *testing.T) {
	for _, sc := range []struct {
		s    scope
		keys []string
	}{{scopeQueue, []string{"?"}}, {scopeCase, []string{"enter", "?"}}} {
		m := newTestModel(t, NewFixtureService(8), 80, 24)
		m = keys(m, sc.keys...)
		v := m.View()
		for _, g := range m.c.Keys.groups(sc.s) {
			for _, b := range g {
				if !contains(v, b.Help().Key+" ") || !contains(v, b.Help().Desc) {
					t.Errorf("%s: full help lacks %q %q", sc.s, b.Help().Key, b.Help().Desc)
				}
			}
		}
	}
}
