package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runFlowsCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"flows"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func sample(name string) string { return filepath.Join("..", "..", "testdata", "logs", name) }

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// retryConnLog is a Zeek conn.log of a blocked miner (bursts of five
// unanswered SYNs 5 s apart) plus one ordinary HTTPS session from another
// host to the same address.
func retryConnLog(t *testing.T) string {
	var b strings.Builder
	b.WriteString("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n")
	b.WriteString("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
	t0 := time.Date(2026, 5, 21, 8, 0, 0, 0, time.UTC).Unix()
	for burst := range 4 {
		for i := range 5 {
			ts := t0 + int64(burst*300+i*5)
			fmt.Fprintf(&b, "%d.000000\tCr%d%d\t10.20.30.40\t%d\t45.9.148.21\t14444\ttcp\t-\t-\t0\t0\tS0\tT\tF\t0\tS\t1\t60\t0\t0\t-\n", ts, burst, i, 50000+burst*5+i)
		}
	}
	fmt.Fprintf(&b, "%d.000000\tCok\t10.20.30.77\t51000\t45.9.148.21\t443\ttcp\tssl\t12.5\t1100\t5120\tSF\tT\tF\t0\tShADadFf\t12\t1580\t9\t5480\t-\n", t0+30)
	return writeTemp(t, "conn.log", b.String())
}

type flowsJSON struct {
	Pairs []map[string]any `json:"pairs"`
}

func TestFlowsJSONContract(t *testing.T) {
	out, errOut, code := runFlowsCLI(t, "--json", retryConnLog(t), sample("zeek_conn.log"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc flowsJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(doc.Pairs) < 3 {
		t.Fatalf("%d pairs", len(doc.Pairs))
	}
	// Every key of the DESIGN.md contract, on every pair.
	keys := []string{"src", "dst", "dst_ports", "sessions", "bytes_sent", "bytes_received", "first", "last",
		"interval_median_s", "size_median", "long_session_s", "score", "verdict"}
	prev := 2.0
	for _, p := range doc.Pairs {
		for _, k := range keys {
			if _, ok := p[k]; !ok {
				t.Errorf("pair %v→%v lacks %q", p["src"], p["dst"], k)
			}
		}
		s := p["score"].(float64)
		if s < 0 || s > 1 || s > prev {
			t.Errorf("score %v out of range or out of order (previous %v)", s, prev)
		}
		prev = s
		for _, k := range []string{"first", "last"} {
			ts, err := time.Parse(time.RFC3339Nano, p[k].(string))
			if err != nil || ts.Location() != time.UTC || !strings.HasSuffix(p[k].(string), "Z") {
				t.Errorf("%s %q is not RFC 3339 UTC", k, p[k])
			}
		}
	}
	top := doc.Pairs[0]
	if top["src"] != "10.20.30.40" || top["dst"] != "45.9.148.21" || top["verdict"] != "retry-burst" {
		t.Errorf("top pair: %v → %v %v", top["src"], top["dst"], top["verdict"])
	}
	if top["sessions"].(float64) != 22 { // 20 retries + the two rows of the shared sample
		t.Errorf("sessions %v", top["sessions"])
	}
	if top["same_destination"].(float64) != 2 || top["src_class"] != "internal (RFC 1918)" || top["dst_class"] != "public" {
		t.Errorf("extras: %v %v %v", top["same_destination"], top["src_class"], top["dst_class"])
	}
	if _, ok := top["series"]; ok {
		t.Error("flows --json should not carry the chart series")
	}
	reasons := top["parts"].(map[string]any)["reasons"].([]any)
	if len(reasons) < 8 {
		t.Errorf("reasons: %v", reasons)
	}
}

func TestFlowsFiltersPoolsOwners(t *testing.T) {
	pools := writeTemp(t, "pools.txt", "# ours\n45.9.148.21:14444\n")
	owners := writeTemp(t, "ip2asn.tsv", "45.9.148.0\t45.9.148.255\t9009\tGB\tM247 Europe SRL\n")
	out, errOut, code := runFlowsCLI(t, "--json", "--src", "10.20.30.40", "--dst", "45.9.148.21",
		"--pools", pools, "--owners", owners, retryConnLog(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc flowsJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Pairs) != 1 {
		t.Fatalf("filters kept %d pairs", len(doc.Pairs))
	}
	p := doc.Pairs[0]
	pool, _ := p["pool"].(map[string]any)
	if pool["entry"] != "45.9.148.21:14444" || pool["port_matched"] != true || pool["line"].(float64) != 2 {
		t.Errorf("pool match: %v", p["pool"])
	}
	owner, _ := p["owner"].(map[string]any)
	if owner["asn"].(float64) != 9009 || p["hosting"] != "M247" {
		t.Errorf("owner: %v hosting %v", p["owner"], p["hosting"])
	}

	// Without the user list the address is not a known pool.
	out, _, _ = runFlowsCLI(t, "--json", "--dst", "45.9.148.21", retryConnLog(t))
	if strings.Contains(out, `"pool"`) {
		t.Errorf("unexpected pool match without --pools:\n%s", out)
	}
}

func TestFlowsText(t *testing.T) {
	out, errOut, code := runFlowsCLI(t, "--top", "1", retryConnLog(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"SCORE", "VERDICT", "retry-burst", "10.20.30.40", "45.9.148.21",
		"#1 10.20.30.40 → 45.9.148.21: retry-burst",
		"source: internal (RFC 1918); destination: public",
		"port 14444: mining pool port",
		"blast radius: 2 internal sources reach 45.9.148.21",
		"retry burst: 20 of 20 sessions near-empty, 16 of 19 gaps between them ≤ 30 s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "#2 ") {
		t.Error("--top 1 should explain one pair")
	}
}

func TestFlowsErrors(t *testing.T) {
	bad := filepath.Join("..", "..", "testdata", "logs", "bad", "zeek_bad_columns.log")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "needs at least one FILE"},
		{[]string{"--src", "10.0.0.300", sample("zeek_conn.log")}, 2, "--src"},
		{[]string{"--dst", "pool", sample("zeek_conn.log")}, 2, "--dst"},
		{[]string{"--nope", sample("zeek_conn.log")}, 2, "unknown flag"},
		{[]string{"--top", "-1", sample("zeek_conn.log")}, 2, "--top"},
		{[]string{"/nonexistent/conn.log"}, 1, "/nonexistent/conn.log"},
		{[]string{bad}, 1, "zeek_bad_columns.log"},
		{[]string{"--pools", writeTemp(t, "p.txt", "ok.example\nbad entry\n"), sample("zeek_conn.log")}, 1, "p.txt:2:"},
		{[]string{"--owners", writeTemp(t, "o.tsv", "1.0.0.0\tnope\t1\tUS\tX\n"), sample("zeek_conn.log")}, 1, "o.tsv:1:"},
	}
	for _, c := range cases {
		out, errOut, code := runFlowsCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("flows %v: exit %d, stderr %q; want exit %d naming %q", c.args, code, errOut, c.code, c.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("flows %v: error should be one line: %q", c.args, errOut)
		}
		if code != 0 && out != "" {
			t.Errorf("flows %v: stdout on error: %q", c.args, out)
		}
	}
}

func TestFlowsDuplicateFileAndNoFlows(t *testing.T) {
	f := sample("zeek_conn.log")
	out, errOut, code := runFlowsCLI(t, "--json", f, f, sample("panos_threat_export.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "same content as an earlier file, skipped") || !strings.Contains(errOut, "no flow records") {
		t.Errorf("stderr: %q", errOut)
	}
	var doc flowsJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	sessions := 0.0
	for _, p := range doc.Pairs {
		sessions += p["sessions"].(float64)
	}
	if sessions != 5 { // the five rows of zeek_conn.log, counted once
		t.Errorf("sessions %v, want 5", sessions)
	}
}
