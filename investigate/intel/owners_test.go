package intel

import (
	"net/netip"
	"strings"
	"testing"
)

// A few rows in the iptoasn.com ip2asn-combined.tsv layout.
const ownersTSV = "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n" +
	"1.0.1.0\t1.0.3.255\t0\tNone\tNot routed\n" +
	"5.9.0.0\t5.9.255.255\t24940\tDE\tHETZNER-AS\n" +
	"51.68.0.0\t51.91.255.255\t16276\tFR\tOVH\n" +
	"45.9.148.0\t45.9.148.255\t9009\tGB\tM247 Europe SRL\n" +
	"81.2.69.0\t81.2.69.255\t20712\tGB\tANDREWS-AS Andrews & Arnold Ltd\n" +
	"2a01:4f8::\t2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff\t24940\tDE\tHETZNER-AS\n" +
	"\n# comment\n" +
	"3.0.0.0\t3.0.255.255\t16509\tUS\tAMAZON-02\n"

func TestOwnerLookup(t *testing.T) {
	o, err := LoadOwners(strings.NewReader(ownersTSV), "ip2asn.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() != 7 {
		t.Errorf("Len = %d, want 7 (the not-routed row is skipped)", o.Len())
	}
	cases := []struct {
		addr    string
		ok      bool
		asn     uint32
		hosting string
	}{
		{"1.0.0.0", true, 13335, "Cloudflare"},
		{"1.0.0.255", true, 13335, "Cloudflare"},
		{"1.0.1.5", false, 0, ""}, // not routed
		{"5.9.10.20", true, 24940, "Hetzner"},
		{"51.75.1.1", true, 16276, "OVH"},
		{"51.92.0.0", false, 0, ""},
		{"45.9.148.21", true, 9009, "M247"},
		{"81.2.69.1", true, 20712, ""}, // an ISP, not a hosting provider
		{"3.0.1.1", true, 16509, "Amazon"},
		{"2a01:4f8:c17::1", true, 24940, "Hetzner"},
		{"::ffff:5.9.1.1", true, 24940, "Hetzner"},
		{"0.0.0.1", false, 0, ""},
		{"255.255.255.255", false, 0, ""},
		{"2a01:4f9::1", false, 0, ""},
	}
	for _, c := range cases {
		got, ok := o.Owner(netip.MustParseAddr(c.addr))
		if ok != c.ok || got.ASN != c.asn {
			t.Errorf("Owner(%s) = %+v %v, want AS%d %v", c.addr, got, ok, c.asn, c.ok)
			continue
		}
		h, isHosting := got.HostingProvider()
		if h != c.hosting || isHosting != (c.hosting != "") {
			t.Errorf("Owner(%s).HostingProvider() = %q %v, want %q", c.addr, h, isHosting, c.hosting)
		}
	}
	if got, _ := o.Owner(netip.MustParseAddr("51.75.1.1")); got.String() != "AS16276 OVH (FR)" {
		t.Errorf("String = %q", got.String())
	}
	var nilOwners *Owners
	if _, ok := nilOwners.Owner(netip.MustParseAddr("1.0.0.1")); ok || nilOwners.Len() != 0 {
		t.Error("nil table should answer nothing")
	}
}

func TestHostingMarkersOnWordBoundaries(t *testing.T) {
	for name, want := range map[string]bool{
		"OVH":                         true,
		"GROVHILL-NET":                false,
		"DIGITALOCEAN-ASN":            true,
		"AMAZON-AES":                  true,
		"MICROSOFT-CORP-MSN-AS-BLOCK": true,
		"CONTABO":                     true,
		"Akamai Connected Cloud":      true,
		"AS-CHOOPA":                   true,
		"DEUTSCHE TELEKOM AG":         false,
	} {
		if _, got := (Owner{Name: name}).HostingProvider(); got != want {
			t.Errorf("%q hosting = %v, want %v", name, got, want)
		}
	}
}

func TestLoadOwnersErrors(t *testing.T) {
	bad := []struct{ in, want string }{
		{"1.0.0.0\t1.0.0.255\n", "ip2asn.tsv:1: want 5"},
		{"x\t1.0.0.255\t1\tUS\tX\n", "range_start"},
		{"1.0.0.0\ty\t1\tUS\tX\n", "range_end"},
		{"1.0.0.9\t1.0.0.1\t1\tUS\tX\n", "before range_start"},
		{"1.0.0.0\t::1\t1\tUS\tX\n", "mixes"},
		{"\n1.0.0.0\t1.0.0.255\tAS1\tUS\tX\n", "ip2asn.tsv:2: AS_number"},
		{"1.0.0.0\t1.0.0.255\t1\tUS\tX\n1.0.0.128\t1.0.1.0\t2\tUS\tY\n", "overlap"},
	}
	for _, c := range bad {
		_, err := LoadOwners(strings.NewReader(c.in), "ip2asn.tsv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadOwners(%q) = %v, want error containing %q", c.in, err, c.want)
		}
	}
}

func FuzzLoadOwners(f *testing.F) {
	f.Add(ownersTSV, "5.9.1.1")
	f.Add("::\tffff::\t1\tZZ\tX\n", "::1")
	f.Fuzz(func(t *testing.T, in, probe string) {
		o, err := LoadOwners(strings.NewReader(in), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		a, err := netip.ParseAddr(probe)
		if err != nil {
			return
		}
		// The binary search must agree with a linear scan.
		got, ok := o.Owner(a)
		a = a.Unmap().WithZone("")
		var want Owner
		found := false
		for _, r := range o.ranges {
			if r.start.Is4() == a.Is4() && !a.Less(r.start) && !r.end.Less(a) {
				want, found = r.owner, true
				break
			}
		}
		if ok != found || got != want {
			t.Fatalf("Owner(%s) = %+v %v, linear scan says %+v %v", a, got, ok, want, found)
		}
	})
}
