package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// main cancels the command's context on SIGHUP/SIGTERM; the import must
// honour it: nothing of the file is stored and the exit status says so.
func TestCancelledContextStopsImportAndStoresNothing(t *testing.T) {
	db := tempDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := runContext(ctx, []string{"import", demoFile("traffic.log"), "--store", db}, strings.NewReader(""), &out, &errb)
	if code != exitRuntime || !strings.Contains(errb.String(), "interrupted while loading") || !strings.Contains(errb.String(), "nothing of that file was stored") {
		t.Fatalf("exit %d, stderr %q: want 1 and the cancellation named", code, errb.String())
	}
	list, errs, code := runArgs(t, db, "list", "--json")
	if code != exitOK {
		t.Fatalf("list after a cancelled import: exit %d: %s", code, errs)
	}
	if strings.Join(strings.Fields(list), "") != `{"alerts":[]}` {
		t.Errorf("the cancelled import left data behind: %s", list)
	}
	// The same file imports whole afterwards: the cancelled run did not
	// mark it as imported.
	out2, errs2, code := runArgs(t, db, "import", demoFile("traffic.log"))
	if code != exitOK || !strings.Contains(out2, "stored 136") {
		t.Errorf("re-import after cancel: exit %d\n%s%s", code, out2, errs2)
	}
}
