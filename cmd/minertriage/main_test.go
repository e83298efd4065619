package main

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// runArgs runs one command line in-process with the store at db (none when
// db is "") and returns stdout, stderr and the exit status.
func runArgs(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	if db != "" {
		args = append(args, "--store", db)
	}
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// tempDB is a store path in a fresh directory; MINERTRIAGE_STORE points
// elsewhere so a test can never touch the user's store.
func tempDB(t *testing.T) string {
	t.Helper()
	t.Setenv("MINERTRIAGE_STORE", filepath.Join(t.TempDir(), "not-this.db"))
	return filepath.Join(t.TempDir(), "case.db")
}

func TestHelpEverywhere(t *testing.T) {
	for _, cmd := range [][]string{
		{"--help"}, {"import", "--help"}, {"list", "--help"}, {"version", "--help"},
		{"analyze", "--help"}, {"decide", "--help"}, {"export", "--help"},
		{"pcap", "--help"}, {"flows", "--help"}, {"demo", "--help"},
	} {
		out, errs, code := runArgs(t, "", cmd...)
		if code != exitOK || !strings.Contains(out, "Usage:") || errs != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", cmd, code, out, errs)
		}
	}
	out, _, _ := runArgs(t, "", "import", "--help")
	for _, flag := range []string{"--all", "--json", "--store"} {
		if !strings.Contains(out, flag) {
			t.Errorf("import --help does not mention %s", flag)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runArgs(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "minertriage ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version: %d %q", code, out)
	}
	if _, errs, code := runArgs(t, "", "version", "extra"); code != exitUsage || !strings.Contains(errs, "unexpected argument") {
		t.Errorf("version extra: %d %q", code, errs)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	db := tempDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import"}, "needs at least one FILE"},
		{[]string{"list", "--bogus"}, "unknown flag"},
		{[]string{"list", "extra"}, "unexpected argument"},
		{[]string{"import", "--json=maybe", "x"}, "invalid argument"},
	} {
		_, errs, code := runArgs(t, db, c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q (want 2 and one line with %q)", c.args, code, errs, c.want)
		}
	}
}
