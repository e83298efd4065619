package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// screenKeys reaches each screen from the queue (cmd/shot uses the same).
var screenKeys = []struct {
	name string
	keys []string
}{
	{"queue", nil},
	{"help", []string{"?"}},
	{"addresses", []string{"enter", "1"}},
	{"application", []string{"enter", "2"}},
	{"netflow", []string{"enter", "3"}},
	{"capture", []string{"enter", "4"}},
	{"packets", []string{"enter", "4", "l"}},
	{"strings", []string{"enter", "4", "l", "l", "/", "s", "u", "b", "m"}},
	{"stream", []string{"enter", "4", "enter"}},
	{"stratum", []string{"enter", "5", "j", "j"}},
	{"decision", []string{"enter", "6", "space", "j", "j", "space"}},
	{"notes", []string{"enter", "7"}},
}

// Golden views of the queue and every pane at 80 and 120 columns; run
// with -update to regenerate after a deliberate change.
func TestViewGolden(t *testing.T) {
	for _, w := range []int{80, 120} {
		for _, sc := range screenKeys {
			t.Run(fmt.Sprintf("%s_w%d", sc.name, w), func(t *testing.T) {
				m := newTestModel(t, NewFixtureService(40), w, 30)
				m = keys(m, sc.keys...)
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}
