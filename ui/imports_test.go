package ui

import (
	"os/exec"
	"strings"
	"testing"
)

// The UI reaches evidence only through the Service: it never imports the
// store, bbolt or the parsers' file readers directly.
func TestImportBoundary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "github.com/minertriage/minertriage/store", strings.HasPrefix(dep, "go.etcd.io/bbolt"),
			strings.HasPrefix(dep, "github.com/minertriage/minertriage/cmd/"):
			t.Errorf("ui depends on %s", dep)
		}
	}
}
