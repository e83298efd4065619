package casework

import (
	"net/netip"
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
