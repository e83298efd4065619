package main

import (
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/testdata/demo"
)

// A bad intelligence file is one line naming file:line and exit 1 for
// every command that takes the flags — the workbench and demo included,
// before they look for a terminal.
func TestIntelFlagErrorsNameFileAndLine(t *testing.T) {
	db := tempDB(t)
	badAllow := writeTemp(t, "allow.txt", "# lab\n10.0.0.1\n10.0.0.0/33\n")
	badPools := writeTemp(t, "pools.txt", "pool.example.net\npool.example.net:0\n")
	badOwners := writeTemp(t, "owners.tsv", "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\nnot-an-ip\t1.0.1.255\t1\tUS\tX\n")
	missing := filepath.Join(t.TempDir(), "missing.txt")
	flags := []struct{ flag, file, want string }{
		{"--authorized", badAllow, badAllow + ":3:"},
		{"--pools", badPools, badPools + ":2:"},
		{"--owners", badOwners, badOwners + ":2:"},
		{"--authorized", missing, missing},
	}
	for _, cmd := range [][]string{nil, {"demo"}, {"demo", "--print"}, {"analyze", "some-alert"}, {"export", "some-alert"}} {
		for _, f := range flags {
			args := append(append([]string{}, cmd...), f.flag, f.file)
			_, errs, code := runArgs(t, db, args...)
			if code != exitRuntime || !strings.Contains(errs, f.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("%v: exit %d, stderr %q, want one line with %q", args, code, errs, f.want)
			}
		}
	}
	for _, args := range [][]string{{"--authorized"}, {"demo", "--pools"}, {"flows", "x.log", "--authorized", badAllow}} {
		if _, errs, code := runArgs(t, db, args...); code != exitUsage {
			t.Errorf("%v: exit %d, stderr %q, want %d", args, code, errs, exitUsage)
		}
	}
	if _, errs, code := runArgs(t, db, "flows", "x.log", "--pools", badPools); code != exitRuntime || !strings.Contains(errs, badPools+":2:") {
		t.Errorf("flows --pools: exit %d, stderr %q", code, errs)
	}
}

// Good files reach the workbench's service options; without a terminal
// the workbench still refuses to start.
func TestWorkbenchOptionsLoadIntelFiles(t *testing.T) {
	db := tempDB(t)
	in := intelFlags{
		authorized: writeTemp(t, "allow.txt", "10.9.9.0/24 # render farm\n"),
		pools:      writeTemp(t, "pools.txt", "pool.internal-example.net\n"),
		owners:     writeTemp(t, "owners.tsv", "203.0.113.0\t203.0.113.255\t64500\tNL\tEXAMPLE-HOSTING\n"),
	}
	a := &app{analyst: "ana"}
	o, err := a.workbenchOptions(in)
	if err != nil {
		t.Fatal(err)
	}
	if !o.CaptureDetail || o.Analyst != "ana" {
		t.Errorf("capture detail %v, analyst %q", o.CaptureDetail, o.Analyst)
	}
	if m := o.Authorized.Match(netip.MustParseAddr("10.9.9.7"), nil); len(m) != 1 || !strings.Contains(m[0], "render farm") {
		t.Errorf("allow-list match %q", m)
	}
	if _, ok := o.Pools.MatchHost("pool.internal-example.net"); !ok {
		t.Error("--pools entry not in the pool list")
	}
	if _, ok := o.Pools.MatchHost("pool.supportxmr.com"); !ok {
		t.Error("built-in pools lost when --pools is given")
	}
	if ow, ok := o.Owners.Owner(netip.MustParseAddr("203.0.113.9")); !ok || !strings.Contains(ow.String(), "EXAMPLE-HOSTING") {
		t.Errorf("owner %v %v", ow, ok)
	}
	_, errs, code := runArgs(t, db, "--authorized", in.authorized, "--pools", in.pools, "--owners", in.owners)
	if code != exitRuntime || !strings.Contains(errs, "needs a terminal") {
		t.Errorf("workbench without a terminal: exit %d, stderr %q", code, errs)
	}
}

// demo --authorized adds the analyst's entries to the demo's own list:
// both the demo's authorised rig and the analyst's host are then benign,
// and each match cites the file and line its entry is on — the analyst's
// own file for the analyst's host, not a line of a merged copy.
func TestDemoMergesAllowLists(t *testing.T) {
	user := writeTemp(t, "site.txt", "# site allow-list\n\n10.20.30.40 # build server, approved mining test\n")
	d, err := (&app{}).openDemo(intelFlags{authorized: user})
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	ctx := context.Background()
	for _, f := range d.files {
		if _, err := d.svc.Import(ctx, f, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string]string{
		demoClear: "10.20.30.40 (site.txt:3: build server, approved mining test)",
		demoAuth:  "(" + demo.AllowList + ":3: research-lab-01",
	} {
		an, err := d.svc.Analyze(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if an.Suggestion.Disposition != "benign" || !strings.Contains(strings.Join(an.Authorized, "\n"), want) {
			t.Errorf("%s: suggested %s, allow-list matches %q; want benign citing %q", id, an.Suggestion.Disposition, an.Authorized, want)
		}
	}
}
