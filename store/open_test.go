package store

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
)

func TestSecondOpenTimesOutWithOneSentence(t *testing.T) {
	_, path := openTemp(t)
	for _, ro := range []bool{false, true} {
		_, err := Open(path, Options{ReadOnly: ro, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrInUse) {
			t.Fatalf("read-only=%v: %v, want ErrInUse", ro, err)
		}
		msg := err.Error()
		if msg != "store "+path+" is in use by another minertriage (the workbench?); close it or use --store to pick another file" {
			t.Errorf("message %q", msg)
		}
	}
}

func TestReadOnlyOpensShareButNotWithAWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	load(t, w, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)}, nil)
	w.Close()

	r1, err := Open(path, Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(path, Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	defer r2.Close()
	if recs, err := r2.Alerts(); err != nil || len(recs) != 1 {
		t.Errorf("read-only Alerts: %d, %v", len(recs), err)
	}
	if _, err := Open(path, Options{Timeout: 300 * time.Millisecond}); !errors.Is(err, ErrInUse) {
		t.Errorf("writer while readers hold the store: %v", err)
	}
	if _, err := r1.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write on read-only store: %v", err)
	}
}

func TestReadOnlyOpenOfMissingStoreCreatesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "new.db")
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if recs, err := s.Alerts(); err != nil || len(recs) != 0 {
		t.Errorf("new store: %v %v", recs, err)
	}
}

// buildV1 writes a schema-v1 store by hand, with bbolt directly, as an
// older minertriage left it: no pair counters, no session index.
func buildV1(t *testing.T, path string, alerts []alert.Alert, flows []flow.Flow) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, n := range v1Buckets {
			if _, err := tx.CreateBucket(n); err != nil {
				return err
			}
		}
		tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, 1))
		for i := range alerts {
			a := &alerts[i]
			tk := u64(timeKey(a.Time))
			tx.Bucket(bAlerts).Put(append(tk, a.ID...), appendAlertValue(nil, a))
			tx.Bucket(bAlertIDs).Put([]byte(a.ID), tk)
		}
		dt, err := loadDict(tx, true)
		if err != nil {
			return err
		}
		for i := range flows {
			f := &flows[i]
			k := appendFlowKey(nil, f, flowIdentity(f))
			v, err := appendFlowValue(nil, f, dt)
			if err != nil {
				return err
			}
			tx.Bucket(bFlows).Put(k, v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	natted := trafficFlow(netip.MustParseAddr("203.0.113.9"), pool, 501, t0.Add(time.Second))
	buildV1(t, path, []alert.Alert{minerAlert("a1", t0, miner, 501), minerAlert("a2", t0, otherHost, 502)}, []flow.Flow{
		trafficFlow(miner, pool, 501, t0), trafficFlow(pool, miner, 601, t0.Add(time.Minute)),
		trafficFlow(otherHost, pool, 502, t0), natted,
	})
	s, err := Open(path, Options{ReadOnly: true}) // a read-only open migrates too
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.schema(); v != SchemaVersion {
		t.Fatalf("schema v%d after open", v)
	}
	recs, err := s.Alerts()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range recs {
		got[r.Alert.ID] = r.Flows
	}
	if got["a1"] != 3 || got["a2"] != 1 { // a1: two pair flows + the NATed row of its session
		t.Errorf("counts after migration %v", got)
	}
	if to, err := s.FlowsTo(pool); err != nil || len(to) != 3 {
		t.Errorf("FlowsTo after migration: %d flows, %v", len(to), err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bMeta)
		return b.Put(keySchema, binary.BigEndian.AppendUint32(nil, SchemaVersion+1))
	})
	db.Close()
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "upgrade minertriage") {
		t.Errorf("got %v", err)
	}
}

func TestNotAStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte(strings.Repeat("not a bbolt file\n", 400)), 0o600)
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("MINERTRIAGE_STORE", "/tmp/x/explicit.db")
	if p, err := DefaultPath(); err != nil || p != "/tmp/x/explicit.db" {
		t.Errorf("env store: %q %v", p, err)
	}
	t.Setenv("MINERTRIAGE_STORE", "")
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	p, err := DefaultPath()
	if err != nil || p != filepath.Join(xdg, "minertriage", "minertriage.db") {
		t.Errorf("xdg: %q %v", p, err)
	}
	if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
		t.Errorf("directory not created: %v", err)
	}
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", home)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(home, ".local", "share", "minertriage", "minertriage.db") {
		t.Errorf("home: %q %v", p, err)
	}
}
