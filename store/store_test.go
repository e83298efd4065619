package store

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

func TestAlertsNewestFirstWithCounts(t *testing.T) {
	s, _ := openTemp(t)
	a1 := minerAlert("a1", t0, miner, 501)
	a2 := minerAlert("a2", t0.Add(time.Hour), otherHost, 502)
	a3 := minerAlert("a3", t0.Add(30*time.Minute), miner, 503)
	flows := []flow.Flow{
		trafficFlow(miner, pool, 501, t0),
		trafficFlow(miner, pool, 601, t0.Add(time.Minute)),
		trafficFlow(pool, miner, 602, t0.Add(2*time.Minute)), // reverse direction counts too
		trafficFlow(otherHost, pool, 502, t0.Add(time.Hour)),
		trafficFlow(miner, otherHost, 603, t0), // not the alert's pair
	}
	na, nf := load(t, s, meta("mixed.log"), []alert.Alert{a1, a2, a3}, flows)
	if na != 3 || nf != 5 {
		t.Fatalf("stored %d alerts, %d flows; want 3, 5", na, nf)
	}
	recs, err := s.Alerts()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Alert.ID)
	}
	if !slices.Equal(ids, []string{"a2", "a3", "a1"}) {
		t.Fatalf("order %v, want newest first a2 a3 a1", ids)
	}
	want := map[string]int{"a1": 3, "a2": 1, "a3": 3}
	for _, r := range recs {
		if r.Flows != want[r.Alert.ID] {
			t.Errorf("%s: %d flows, want %d", r.Alert.ID, r.Flows, want[r.Alert.ID])
		}
	}
	got, err := s.Alert("a1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Alert, a1) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got.Alert, a1)
	}
	if _, err := s.Alert("nope"); !errors.Is(err, casework.ErrNotFound) {
		t.Errorf("unknown alert: %v, want ErrNotFound", err)
	}
}

func TestPairFlowsRangeScan(t *testing.T) {
	s, _ := openTemp(t)
	var flows []flow.Flow
	for i := range 10 {
		flows = append(flows, trafficFlow(miner, pool, uint64(700+i), t0.Add(time.Duration(i)*time.Minute)))
	}
	flows = append(flows, trafficFlow(pool, miner, 800, t0.Add(90*time.Second)))
	flows = append(flows, trafficFlow(otherHost, pool, 801, t0.Add(3*time.Minute)))
	load(t, s, meta("t.log"), nil, flows)

	all, err := s.PairFlows(pool, miner, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 11 {
		t.Fatalf("%d flows for the pair, want 11", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b flow.Flow) int { return a.Start.Compare(b.Start) }) {
		t.Error("flows not in start order")
	}
	for _, f := range all {
		if f.SessionID == 800 && (f.Src != pool || f.Dst != miner) {
			t.Errorf("direction lost: %v → %v", f.Src, f.Dst)
		}
	}
	if !reflect.DeepEqual(all[0], flows[0]) {
		t.Errorf("round trip:\n got %+v\nwant %+v", all[0], flows[0])
	}
	// [1m, 3m] holds minutes 1, 2, 3 and the reverse flow at 1m30s.
	part, err := s.PairFlows(miner, pool, t0.Add(time.Minute), t0.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(part) != 4 || part[0].Start != t0.Add(time.Minute) || part[3].Start != t0.Add(3*time.Minute) {
		t.Errorf("range [1m,3m]: %d flows %v", len(part), part)
	}
	to, err := s.FlowsTo(pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(to) != 11 { // 10 from miner + 1 from otherHost; the reverse one goes to miner
		t.Errorf("FlowsTo(pool) = %d flows, want 11", len(to))
	}
	n := 0
	if err := s.ScanFlows(func(*flow.Flow) error { n++; return nil }); err != nil || n != 12 {
		t.Errorf("ScanFlows saw %d (%v), want 12", n, err)
	}
}

func TestDedup(t *testing.T) {
	s, _ := openTemp(t)
	a := minerAlert("a1", t0, miner, 501)
	f := trafficFlow(miner, pool, 501, t0)
	noSess := f
	noSess.Serial, noSess.SessionID, noSess.Source = "", 0, "zeek-conn"
	// The same session twice within the file counts once.
	na, nf := load(t, s, meta("one.log"), []alert.Alert{a, a}, []flow.Flow{f, f, noSess, noSess})
	if na != 1 || nf != 2 {
		t.Fatalf("first file stored %d alerts, %d flows; want 1, 2", na, nf)
	}
	if _, err := s.BeginImport(meta("one.log")); !errors.Is(err, ingest.ErrDuplicateFile) {
		t.Fatalf("same sha256 again: %v, want ErrDuplicateFile", err)
	}
	// Another file holding the same records adds nothing.
	f2 := f
	f2.File, f2.Line = "other.log", 99
	na, nf = load(t, s, meta("two.log"), []alert.Alert{a}, []flow.Flow{f2, noSess})
	if na != 0 || nf != 0 {
		t.Errorf("second file stored %d alerts, %d flows; want none", na, nf)
	}
	r, _ := s.Alert("a1")
	if r.Flows != 2 {
		t.Errorf("alert links %d flows, want 2", r.Flows)
	}
	imps, err := s.Imports()
	if err != nil || len(imps) != 2 || imps[0].File != "one.log" || imps[0].SHA256 != sha("one.log") || imps[1].Stored != 0 {
		t.Errorf("import log %+v (%v)", imps, err)
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	s, _ := openTemp(t)
	tx, err := s.BeginImport(meta("bad.log"))
	if err != nil {
		t.Fatal(err)
	}
	a := minerAlert("a1", t0, miner, 501)
	f := trafficFlow(miner, pool, 501, t0)
	if _, err := tx.PutAlert(&a); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.PutFlow(&f); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	recs, _ := s.Alerts()
	flows, _ := s.PairFlows(miner, pool, time.Time{}, time.Time{})
	imps, _ := s.Imports()
	if len(recs)+len(flows)+len(imps) != 0 {
		t.Fatalf("after rollback: %d alerts, %d flows, %d imports", len(recs), len(flows), len(imps))
	}
	// The file was not recorded: importing it again works.
	if na, nf := load(t, s, meta("bad.log"), []alert.Alert{a}, []flow.Flow{f}); na != 1 || nf != 1 {
		t.Errorf("re-import after rollback stored %d, %d", na, nf)
	}
}

func TestEvidenceImportedAfterAlertIsLinked(t *testing.T) {
	s, _ := openTemp(t)
	a := minerAlert("a1", t0, miner, 501)
	load(t, s, meta("threat.log"), []alert.Alert{a}, nil)
	if r, _ := s.Alert("a1"); r.Flows != 0 || r.Captures != 0 {
		t.Fatalf("before evidence: %+v", r)
	}
	// The TRAFFIC row of the same session seen after source NAT (another
	// pair) is joined by serial + session id.
	natted := trafficFlow(netip.MustParseAddr("203.0.113.9"), pool, 501, t0)
	load(t, s, meta("traffic.log"), nil, []flow.Flow{trafficFlow(miner, pool, 900, t0), natted})
	r, _ := s.Alert("a1")
	if r.Flows != 2 {
		t.Errorf("after traffic: %d flows, want 2 (pair + session join)", r.Flows)
	}
	capMeta := meta("miner.pcap")
	capMeta.Format = ingest.FormatPcap
	addCapture(t, s, capMeta, []byte("pcap bytes"), [][2]string{{pool.String(), miner.String()}})
	r, _ = s.Alert("a1")
	if r.Captures != 1 {
		t.Errorf("after capture: %d captures, want 1", r.Captures)
	}
	refs, err := s.CapturesFor("a1")
	if err != nil || len(refs) != 1 || refs[0].SHA256 != sha("pcap bytes") || !refs[0].Stored {
		t.Errorf("CapturesFor = %+v, %v", refs, err)
	}
}

func TestDecisionsAppendOnlySurviveReopen(t *testing.T) {
	s, path := openTemp(t)
	load(t, s, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501), minerAlert("a10", t0, miner, 502)}, nil)
	first, err := s.AppendDecision(casework.Decision{AlertID: "a1", Analyst: "ana", Disposition: casework.NeedsInfo, Note: "asked the owner"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendDecision(casework.Decision{AlertID: "a10", Analyst: "bo", Disposition: casework.FalsePositive}); err != nil {
		t.Fatal(err)
	}
	// A caller passing an old Seq cannot overwrite: the store assigns it.
	second, err := s.AppendDecision(casework.Decision{AlertID: "a1", Seq: 1, Analyst: "ana", Disposition: casework.TruePositive, Cause: casework.CausePublicApp,
		Remediation: []casework.RemediationItem{{Action: "reimage host"}}})
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || second.Seq != 2 {
		t.Fatalf("seqs %d, %d", first.Seq, second.Seq)
	}
	if _, err := s.AppendDecision(casework.Decision{AlertID: "ghost", Disposition: casework.Benign}); !errors.Is(err, casework.ErrNotFound) {
		t.Errorf("decision on unknown alert: %v", err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hist, err := s.Decisions("a1")
	if err != nil || len(hist) != 2 {
		t.Fatalf("history %+v, %v", hist, err)
	}
	if hist[0].Disposition != casework.NeedsInfo || hist[0].Note != "asked the owner" || hist[1].Cause != casework.CausePublicApp || hist[1].Remediation[0].Action != "reimage host" {
		t.Errorf("history changed: %+v", hist)
	}
	r, _ := s.Alert("a1")
	if r.Disposition != casework.TruePositive || !r.DecidedAt.Equal(second.Time) {
		t.Errorf("latest disposition %q at %v", r.Disposition, r.DecidedAt)
	}
	r10, _ := s.Alert("a10")
	if r10.Disposition != casework.FalsePositive {
		t.Errorf("a10 disposition %q (ids sharing a prefix mixed up?)", r10.Disposition)
	}
}

func TestFirstLookKeepsTheFirst(t *testing.T) {
	s, _ := openTemp(t)
	load(t, s, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)}, nil)
	if err := s.MarkFirstLook("a1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFirstLook("a1", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Alert("a1"); !r.FirstLook.Equal(t0.Add(time.Hour)) {
		t.Errorf("first look %v", r.FirstLook)
	}
}

func TestCache(t *testing.T) {
	s, _ := openTemp(t)
	if _, ok, err := s.CacheGet("capture:abc"); ok || err != nil {
		t.Fatalf("empty cache hit %v %v", ok, err)
	}
	if err := s.CachePut("capture:abc", []byte(`{"packets":3}`)); err != nil {
		t.Fatal(err)
	}
	v, ok, err := s.CacheGet("capture:abc")
	if !ok || err != nil || string(v) != `{"packets":3}` {
		t.Errorf("cache %q %v %v", v, ok, err)
	}
}

// fillAll sets every field of a struct to a non-zero value by reflection,
// so a field added to alert.Alert or flow.Flow without a codec change
// fails the round trip below.
func fillAll(t *testing.T, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(name + "\x1b]0;x")
		case reflect.Int, reflect.Int64:
			if f.Type() == reflect.TypeOf(time.Duration(0)) {
				f.SetInt(int64(90 * time.Second))
			} else {
				f.SetInt(int64(i + 1000))
			}
		case reflect.Uint16, reflect.Uint64:
			f.SetUint(uint64(i + 1))
		case reflect.Slice:
			f.SetBytes([]byte{0, 1, 2, byte(i)})
		case reflect.Struct:
			switch f.Type() {
			case reflect.TypeOf(time.Time{}):
				f.Set(reflect.ValueOf(t0.Add(time.Duration(i) * time.Nanosecond)))
			case reflect.TypeOf(netip.Addr{}):
				f.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})))
			default:
				t.Fatalf("field %s: no test value for %s", name, f.Type())
			}
		default:
			t.Fatalf("field %s: no test value for kind %s; teach the codec and this test", name, f.Kind())
		}
	}
}

func TestCodecsKeepEveryField(t *testing.T) {
	var a, a2 alert.Alert
	fillAll(t, reflect.ValueOf(&a).Elem())
	a.NATDst = netip.MustParseAddr("fd00::5")
	if err := decodeAlert(appendAlertValue(nil, &a), &a2, map[string]string{}); err != nil || !reflect.DeepEqual(a, a2) {
		t.Errorf("alert round trip (%v):\n got %+v\nwant %+v", err, a2, a)
	}
	var f, f2 flow.Flow
	fillAll(t, reflect.ValueOf(&f).Elem())
	f.Src, f.Dst = netip.MustParseAddr("fd00::5"), netip.MustParseAddr("2001:db8::1")
	id := flowIdentity(&f)
	k := appendFlowKey(nil, &f, id)
	dt := &dict{names: []string{""}, ids: map[string]uint64{"": 0}}
	v, err := appendFlowValue(nil, &f, dt)
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeFlow(k, v, &f2, dt); err != nil || !reflect.DeepEqual(f, f2) {
		t.Errorf("flow round trip (%v):\n got %+v\nwant %+v", err, f2, f)
	}
	if len(dt.names) != 8 {
		t.Errorf("dictionary holds %d strings, want the empty one + 7 fields", len(dt.names))
	}
	if err := decodeFlow(k, v[:len(v)-3], &f2, dt); err == nil {
		t.Error("truncated flow value decoded without error")
	}
	v[6] = 200 // an id past the dictionary
	if err := decodeFlow(k, v, &f2, dt); err == nil {
		t.Error("truncated flow value decoded without error")
	}
}

func TestIPv6AndMixedPairs(t *testing.T) {
	s, _ := openTemp(t)
	v6a, v6b := netip.MustParseAddr("fd00::5"), netip.MustParseAddr("2a01:4f8::9")
	mapped := netip.MustParseAddr("::ffff:10.20.30.40")
	f1 := trafficFlow(v6a, v6b, 1, t0)
	f2 := trafficFlow(mapped, pool, 2, t0) // an IPv4-mapped source is the IPv4 host
	load(t, s, meta("v6.log"), nil, []flow.Flow{f1, f2})
	got, err := s.PairFlows(v6b, v6a, time.Time{}, time.Time{})
	if err != nil || len(got) != 1 || got[0].Src != v6a {
		t.Errorf("IPv6 pair: %+v %v", got, err)
	}
	got, err = s.PairFlows(miner, pool, time.Time{}, time.Time{})
	if err != nil || len(got) != 1 || got[0].Src != miner {
		t.Errorf("mapped pair: %+v %v", got, err)
	}
	if !strings.Contains(got[0].Src.String(), "10.20.30.40") {
		t.Errorf("src %v", got[0].Src)
	}
}
