package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/casework"
)

// With the store open as the workbench opens it, list and analyze run on
// the same store in the meantime, and see what the workbench records.
func TestReadCommandsBesideTheWorkbench(t *testing.T) {
	db, _ := demoStore(t)
	a := &app{storePath: db}
	st, err := a.openWorkbenchStore()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.Shared() {
		t.Fatal("the workbench store is not in shared mode")
	}
	svc := casework.NewService(st, casework.Options{Analyst: "alice"})
	if _, err := svc.Queue(); err != nil { // the workbench reads through its handle too
		t.Fatal(err)
	}
	if _, err := svc.Decide(casework.Decision{AlertID: demoBlocked, Disposition: casework.NeedsInfo, Note: "asked EDR"}); err != nil {
		t.Fatalf("decision recorded from the workbench: %v", err)
	}

	out, errs, code := runCase(t, db, "list", "--json")
	if code != 0 {
		t.Fatalf("list --json beside the workbench: exit %d: %s", code, errs)
	}
	var list struct {
		Alerts []struct {
			ID          string `json:"id"`
			Disposition string `json:"disposition"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, al := range list.Alerts {
		got[al.ID] = al.Disposition
	}
	if len(list.Alerts) != 10 || got[demoBlocked] != string(casework.NeedsInfo) {
		t.Errorf("list beside the workbench: %d alerts, %s is %q", len(list.Alerts), demoBlocked, got[demoBlocked])
	}

	out, errs, code = runCase(t, db, "analyze", demoBlocked)
	if code != 0 || !strings.Contains(out, "needs-info by alice: asked EDR") {
		t.Errorf("analyze beside the workbench: exit %d: %s\n%s", code, errs, out)
	}
}
