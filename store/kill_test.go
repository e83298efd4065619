package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// The kill -9 test re-executes this test binary as the importer (no
// separate build): the child runs TestKillHelper, which imports one large
// generated file through the real Sink and says on stdout when it has
// started writing and when it commits. The parent SIGKILLs it at several
// moments and then checks the store opens, passes bbolt's consistency
// check and holds none or all of that file.
const (
	envKillStore = "MINERTRIAGE_KILL_STORE"
	envKillRound = "MINERTRIAGE_KILL_ROUND"
	killFlows    = 60_000
)

func TestKillHelper(t *testing.T) {
	path := os.Getenv(envKillStore)
	if path == "" {
		t.Skip("helper process for TestKill9MidImport")
	}
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	tx, err := s.BeginImport(ingest.FileMeta{Name: "big-traffic.log", SHA256: "kill-round-" + os.Getenv(envKillRound), Time: t0})
	if err != nil {
		fmt.Println("begin:", err)
		os.Exit(3)
	}
	n := 0
	err = genFlows(killFlows, 5000, func(f *flow.Flow) error {
		// Each round's file holds distinct flows (other days).
		f.Start = f.Start.Add(24 * time.Hour * time.Duration(roundNumber()))
		if _, err := tx.PutFlow(f); err != nil {
			return err
		}
		if n++; n == 1000 {
			fmt.Println("started")
		}
		return nil
	})
	if err != nil {
		fmt.Println("put:", err)
		os.Exit(3)
	}
	fmt.Println("committing")
	began := time.Now()
	if err := tx.Commit(ingest.Summary{Read: n, Stored: n, Flows: n}); err != nil {
		fmt.Println("commit:", err)
		os.Exit(3)
	}
	fmt.Println("committed in", time.Since(began))
	s.Close()
}

// checkStore runs bbolt's page-level consistency check.
func checkStore(s *Store) error {
	return s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

func roundNumber() int {
	var r int
	fmt.Sscan(os.Getenv(envKillRound), &r)
	return r
}

func TestKill9MidImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 60,000 flows six times")
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := []flow.Flow{trafficFlow(miner, pool, 501, t0), trafficFlow(miner, pool, 502, t0.Add(time.Minute))}
	load(t, s, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)}, base)
	s.Close()

	// Kill points. Round 0 lets the import finish (killed just after it
	// reports the commit) and measures how long a commit takes here; then
	// a kill while the records are read (nothing is on disk yet) and kills
	// at 1/5 … 4/5 of the commit (bbolt spilling nodes, writing pages,
	// writing the meta page).
	type point struct {
		after string
		delay time.Duration
	}
	points := []point{{"committed", 0}, {"started", 0}}
	want := len(base)
	outcomes := map[string]int{}
	for round := 0; round < len(points); round++ {
		p := points[round]
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), envKillStore+"="+path, envKillRound+"="+fmt.Sprint(round+1))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var seen []string
		for sc.Scan() {
			seen = append(seen, sc.Text())
			if strings.HasPrefix(sc.Text(), p.after) {
				break
			}
		}
		if round == 0 {
			var took time.Duration
			if len(seen) > 0 {
				took, _ = time.ParseDuration(strings.TrimPrefix(seen[len(seen)-1], "committed in "))
			}
			if took <= 0 {
				cmd.Wait()
				t.Fatalf("helper output %q", seen)
			}
			for k := 1; k <= 4; k++ {
				points = append(points, point{"committing", took * time.Duration(k) / 5})
			}
		}
		if len(seen) == 0 || !strings.HasPrefix(seen[len(seen)-1], p.after) {
			cmd.Wait()
			t.Fatalf("round %d: helper never said %q: %q", round, p.after, seen)
		}
		time.Sleep(p.delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		go func() { // drain so the child never blocks on a full pipe
			for sc.Scan() {
			}
		}()
		state, _ := cmd.Process.Wait()
		killed := state != nil && !state.Success()

		s, err := Open(path, Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("round %d (%s+%v): store does not open after kill -9: %v", round, p.after, p.delay, err)
		}
		if err := checkStore(s); err != nil {
			t.Fatalf("round %d: consistency: %v", round, err)
		}
		n := 0
		if err := s.ScanFlows(func(*flow.Flow) error { n++; return nil }); err != nil {
			t.Fatalf("round %d: scan: %v", round, err)
		}
		imps, _ := s.Imports()
		logged := len(imps) == 2+outcomes["all"]
		switch {
		case n == want && !logged:
			outcomes["none"]++
		case n == want+killFlows && logged:
			outcomes["all"]++
			want = n
		default:
			t.Fatalf("round %d (%s+%v, killed=%v): %d flows (before %d, file %d), import logged %v: neither none nor all",
				round, p.after, p.delay, killed, n, want, killFlows, logged)
		}
		if r, err := s.Alert("a1"); err != nil || r.Flows < len(base) {
			t.Fatalf("round %d: earlier file damaged: %+v %v", round, r, err)
		}
		s.Close()
	}
	t.Logf("outcomes over %d kills: %v", len(points), outcomes)
	if outcomes["none"] == 0 || outcomes["all"] == 0 {
		t.Errorf("outcomes %v: want both a killed import (none) and a finished one (all)", outcomes)
	}
}
