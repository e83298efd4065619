package main

import (
	"bytes"
	"strings"
	"testing"
)

// demo --print imports the real demo case and prints its queue.
func TestDemoPrint(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := run([]string{"demo", "--print"}, strings.NewReader(""), &out, &errb); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	s := out.String()
	for _, want := range []string{"imported threat.log (panos-syslog): 10 alerts", "10 alerts, newest first",
		"10.20.30.40 → 45.9.148.21:3333", "pan-013201000123-1236224-7601441302587213671"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// Without a terminal the workbench says so and exits 1 instead of hanging.
func TestWorkbenchNeedsTerminal(t *testing.T) {
	for _, args := range [][]string{nil, {"demo"}} {
		var out, errb bytes.Buffer
		rc := run(args, strings.NewReader("q"), &out, &errb)
		if rc != exitRuntime || !strings.Contains(errb.String(), "needs a terminal") || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%v: rc %d, stderr %q", args, rc, errb.String())
		}
	}
}
