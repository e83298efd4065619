package casework

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAllowList(t *testing.T) {
	l, err := LoadAllowList(strings.NewReader(`# authorised miners
10.20.30.60          # GPU lab rig
192.168.50.0/24      # research VLAN
48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD # treasury wallet
`), "allow.txt")
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 {
		t.Fatalf("%d entries", l.Len())
	}
	ip := netip.MustParseAddr
	if m := l.Match(ip("10.20.30.60"), nil); len(m) != 1 || m[0] != "10.20.30.60 (allow.txt:2: GPU lab rig)" {
		t.Errorf("host match = %q", m)
	}
	if m := l.Match(ip("192.168.50.7"), nil); len(m) != 1 || !strings.Contains(m[0], "192.168.50.0/24") {
		t.Errorf("network match = %q", m)
	}
	if m := l.Match(ip("10.9.9.9"), []string{"48EDFHU7V9Z84YZZMA6FUUEOELZ9ZRXQ9VETWZYGZKT52XU5XVQGZYNDK9URNROJMK1J8NLWEVSASWJ4FHDUYZIJBGUICOD.rig7"}); len(m) != 1 || !strings.Contains(m[0], "treasury wallet") {
		t.Errorf("wallet+worker match = %q", m)
	}
	if m := l.Match(ip("10.20.30.61"), []string{"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoDX"}); len(m) != 0 {
		t.Errorf("a longer wallet must not match: %q", m)
	}
	var none *AllowList
	if none.Match(ip("10.20.30.60"), nil) != nil {
		t.Error("nil list matched")
	}
}

func TestAllowListErrorsNameLine(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.1\n10.0.0.0/33\n": "allow.txt:2:",
		"\n\nfoo bar\n":           "allow.txt:3:",
		"http://x/y\n":            "allow.txt:1:",
	} {
		if _, err := LoadAllowList(strings.NewReader(in), "allow.txt"); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("LoadAllowList(%q) error %v, want prefix %q", in, err, want)
		}
	}
}

// A merged list cites, for every match, the file and line the matching
// entry was read from — not the first list's name, and not a line number
// counted across both files.
func TestAllowListMergeKeepsEachEntrysSource(t *testing.T) {
	demo, err := LoadAllowList(strings.NewReader("# demo\n10.60.1.10 # research-lab-01\n"), "/tmp/x/authorized-miners.txt")
	if err != nil {
		t.Fatal(err)
	}
	user, err := LoadAllowList(strings.NewReader("# site\n\n\n10.20.30.40 # build server\nWALLETABC # pool payout\n"), "/home/ana/site.txt")
	if err != nil {
		t.Fatal(err)
	}
	demo.Merge(user)
	demo.Merge(nil)
	if demo.Len() != 3 || demo.Source != "/tmp/x/authorized-miners.txt" {
		t.Fatalf("%d entries, source %q", demo.Len(), demo.Source)
	}
	ip := netip.MustParseAddr
	for _, c := range []struct {
		src    string
		logins []string
		want   string
	}{
		{"10.60.1.10", nil, "10.60.1.10 (authorized-miners.txt:2: research-lab-01)"},
		{"10.20.30.40", nil, "10.20.30.40 (site.txt:4: build server)"},
		{"10.1.1.1", []string{"walletabc.rig2"}, "wallet walletabc.rig2 (site.txt:5: pool payout)"},
	} {
		if m := demo.Match(ip(c.src), c.logins); len(m) != 1 || m[0] != c.want {
			t.Errorf("Match(%s, %q) = %q, want %q", c.src, c.logins, m, c.want)
		}
	}
	// The merged-in list itself is unchanged.
	if user.Len() != 2 || len(user.Match(ip("10.60.1.10"), nil)) != 0 {
		t.Errorf("Merge changed its argument: %d entries", user.Len())
	}
}

// LoadAllowListFiles merges files in order; each match cites its file,
// and an error names the failing file and line.
func TestLoadAllowListFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")
	bad := filepath.Join(dir, "bad.txt")
	for p, text := range map[string]string{a: "10.0.0.1 # first\n", b: "\n10.0.0.2 # second\n", bad: "10.0.0.3\n10.0.0.0/40\n"} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := LoadAllowListFiles(a, b)
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr
	if m := l.Match(ip("10.0.0.1"), nil); len(m) != 1 || m[0] != "10.0.0.1 (a.txt:1: first)" {
		t.Errorf("a.txt match %q", m)
	}
	if m := l.Match(ip("10.0.0.2"), nil); len(m) != 1 || m[0] != "10.0.0.2 (b.txt:2: second)" {
		t.Errorf("b.txt match %q", m)
	}
	if _, err := LoadAllowListFiles(a, bad, b); err == nil || !strings.HasPrefix(err.Error(), bad+":2:") {
		t.Errorf("error %v, want prefix %q", err, bad+":2:")
	}
	if l, err := LoadAllowListFiles(); err != nil || l.Len() != 0 {
		t.Errorf("no files: %v entries, %v", l.Len(), err)
	}
}
