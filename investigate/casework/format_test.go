package casework

import (
	"testing"
	"time"
)

func TestURLHost(t *testing.T) {
	for in, want := range map[string]string{
		"pool.supportxmr.com/":                  "pool.supportxmr.com",
		"http://pool.x.com:3333/path?q=1":       "pool.x.com",
		"stratum+tcp://user@xmr.pool.com:45700": "xmr.pool.com",
		"45.9.148.21:3333":                      "45.9.148.21",
		"[2001:db8::1]:3333":                    "2001:db8::1",
		"":                                      "",
		"not a host":                            "",
		"x.sh":                                  "x.sh",
		"consent.cmp.oath.com/":                 "consent.cmp.oath.com",
	} {
		if got := urlHost(in); got != want {
			t.Errorf("urlHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHumanUnits(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45 s", 200 * time.Second: "3 m 20 s", 4*time.Hour + 31*time.Minute: "4 h 31 m", 50 * time.Hour: "2 d 2 h",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[float64]string{999: "999 B", 1600: "1.6 KB", 2.5e6: "2.5 MB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%v) = %q, want %q", n, got, want)
		}
	}
	if got := sizeWords(1600, 1650); got != "about 1.6 KB each way" {
		t.Errorf("sizeWords even = %q", got)
	}
	if got := sizeWords(200, 40000); got != "about 200 B sent and 40.0 KB received per connection" {
		t.Errorf("sizeWords uneven = %q", got)
	}
}

func TestSplitLogin(t *testing.T) {
	w := "42YXQNYc5sEJy2n85S3TPoz1K3fMFxwwZAuFF2wg8255nAs83E8LdjK4iFaxTvn9eEghBQm4ZGjEXkUJvDzLAWiApfzAtaJ"
	for in, want := range map[string][2]string{
		w + ".research-lab-01": {w, "research-lab-01"},
		w + "+50000":           {w, "50000"},
		w:                      {w, ""},
		"slush.miner1":         {"slush.miner1", ""}, // too short to be a wallet: kept whole
	} {
		if a, b := splitLogin(in); a != want[0] || b != want[1] {
			t.Errorf("splitLogin(%q) = %q, %q", in, a, b)
		}
	}
}

func TestTiming(t *testing.T) {
	rec := AlertRecord{FirstLook: t0.Add(2 * time.Minute)}
	rec.Alert.Time = t0
	got := timing(rec, []Decision{{Time: t0.Add(6 * time.Minute)}, {Time: t0.Add(time.Hour)}})
	if got.ToFirstLook != 120 || got.ToDecision != 360 || !got.Decided.Equal(t0.Add(6*time.Minute)) {
		t.Errorf("timing = %+v", got)
	}
	if none := timing(AlertRecord{}, nil); none.ToDecision != 0 || !none.Decided.IsZero() {
		t.Errorf("undecided timing = %+v", none)
	}
}
