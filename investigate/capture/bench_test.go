package capture

import (
	"bufio"
	"context"
	"encoding/binary"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/capture/capturetest"
)

// Shape of the benchmark capture: ~60,000 TLS-like flows and a few hundred
// Stratum sessions, ~1.5 M packets, ~512 MiB.
const (
	benchTLSFlows   = 60000
	benchStratum    = 300
	benchBatch      = 1000 // flows open at the same time (interleaved)
	benchTLSPackets = 24
	benchFile       = "minertriage-bench-512mib-v2.pcap"
)

// benchCapture returns the path of the benchmark capture, generating it
// once into the OS temp directory (MINERTRIAGE_BENCH_DIR overrides).
func benchCapture(b *testing.B) string {
	if testing.Short() || os.Getenv("MINERTRIAGE_BENCH_SKIP") != "" {
		b.Skip("skipped with -short or MINERTRIAGE_BENCH_SKIP: generating 512 MiB takes a while")
	}
	dir := os.Getenv("MINERTRIAGE_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, benchFile)
	if st, err := os.Stat(path); err == nil && st.Size() > 400<<20 {
		return path
	}
	tmp := path + ".tmp"
	if err := writeBenchCapture(tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchWriter writes Ethernet/IPv4/TCP records by patching a template
// header: 1.5 M gopacket serialisations would dominate the run.
type benchWriter struct {
	w   *bufio.Writer
	ts  time.Time
	hdr [16 + 54]byte
}

func (bw *benchWriter) packet(src, dst [4]byte, sport, dport uint16, seq, ack uint32, flags byte, payload []byte) error {
	bw.ts = bw.ts.Add(350 * time.Microsecond)
	h := bw.hdr[:]
	n := 54 + len(payload)
	binary.LittleEndian.PutUint32(h[0:], uint32(bw.ts.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(bw.ts.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(n))
	binary.LittleEndian.PutUint32(h[12:], uint32(n))
	e := h[16:]
	copy(e[0:12], []byte{0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10})
	e[12], e[13] = 0x08, 0x00
	ip := e[14:]
	ip[0], ip[1] = 0x45, 0
	binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
	ip[6], ip[7], ip[8], ip[9] = 0x40, 0, 64, 6
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 0x50, flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	if _, err := bw.w.Write(h); err != nil {
		return err
	}
	_, err := bw.w.Write(payload)
	return err
}

// benchFlow is one generated connection.
type benchFlow struct {
	cli, srv     [4]byte
	cport, sport uint16
	cseq, sseq   uint32
	step, steps  int
	stratum      bool
}

func writeBenchCapture(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := &benchWriter{w: bufio.NewWriterSize(f, 1<<20), ts: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	hdr := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0}
	if _, err := bw.w.Write(hdr); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(1))
	noise := make([]byte, 1<<16)
	rng.Read(noise)
	hello := capturetest.ClientHello("www.example-cdn.net")
	stratumEvery := benchTLSFlows / benchStratum
	for first := 0; first < benchTLSFlows; first += benchBatch {
		flows := make([]*benchFlow, 0, benchBatch+benchBatch/stratumEvery)
		for i := first; i < first+benchBatch; i++ {
			fl := &benchFlow{cli: [4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}, srv: [4]byte{93, 184, byte(i >> 8), byte(i)},
				cport: uint16(32768 + i%28000), sport: 443, cseq: rng.Uint32(), sseq: rng.Uint32(), steps: benchTLSPackets}
			flows = append(flows, fl)
			if i%stratumEvery == 0 {
				flows = append(flows, &benchFlow{cli: [4]byte{10, 99, byte(i >> 8), byte(i)}, srv: [4]byte{45, 9, 148, byte(i % 250)},
					cport: uint16(40000 + i%20000), sport: 3333, cseq: rng.Uint32(), sseq: rng.Uint32(), steps: 200, stratum: true})
			}
		}
		for active := len(flows); active > 0; {
			active = 0
			for _, fl := range flows {
				if fl.step >= fl.steps {
					continue
				}
				active++
				if err := bw.flowPacket(fl, hello, noise, rng); err != nil {
					return err
				}
			}
		}
	}
	if err := bw.w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// flowPacket writes the next packet of fl: the handshake, then a
// ClientHello and TLS records, or a Stratum exchange.
func (bw *benchWriter) flowPacket(fl *benchFlow, hello, noise []byte, rng *rand.Rand) error {
	s := fl.step
	fl.step++
	fromClient := s%2 == 0
	var payload []byte
	var flags byte = 0x18
	switch {
	case s == 0:
		return bw.packet(fl.cli, fl.srv, fl.cport, fl.sport, fl.cseq, 0, flagSYN, nil)
	case s == 1:
		return bw.packet(fl.srv, fl.cli, fl.sport, fl.cport, fl.sseq, fl.cseq+1, flagSYN|flagACK, nil)
	case s == 2:
		fl.cseq++
		fl.sseq++
		payload, flags = nil, flagACK
	case fl.stratum:
		payload = stratumPayload(s, fromClient)
	case s == 3:
		payload = hello
		fromClient = true
	default:
		n := 60 + rng.Intn(140)
		if !fromClient {
			n = 250 + rng.Intn(670)
		}
		off := rng.Intn(len(noise) - n)
		payload = append([]byte{0x17, 0x03, 0x03, byte((n - 5) >> 8), byte(n - 5)}, noise[off+5:off+n]...)
	}
	if fromClient {
		err := bw.packet(fl.cli, fl.srv, fl.cport, fl.sport, fl.cseq, fl.sseq, flags, payload)
		fl.cseq += uint32(len(payload))
		return err
	}
	err := bw.packet(fl.srv, fl.cli, fl.sport, fl.cport, fl.sseq, fl.cseq, flags, payload)
	fl.sseq += uint32(len(payload))
	return err
}

// stratumPayload is message s of an XMRig session.
func stratumPayload(s int, fromClient bool) []byte {
	switch {
	case s == 3:
		return []byte(xmrLogin)
	case s == 4:
		return []byte(xmrLoginR)
	case fromClient:
		return []byte(strings.Replace(xmrSubmit, `"id":2`, `"id":`+strconv.Itoa(s), 1))
	case s%10 == 5:
		return []byte(xmrJob)
	}
	return []byte(strings.Replace(xmrOK, `"id":2`, `"id":`+strconv.Itoa(s-1), 1))
}

// peakRSS reads the process's high-water resident set (Linux).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkAnalyze512MiB analyses the generated capture end to end and
// reports throughput, peak RSS and packets.
func BenchmarkAnalyze512MiB(b *testing.B) {
	path := benchCapture(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM: generation is not measured
	b.SetBytes(st.Size())
	cpu0 := cpuTime()
	b.ResetTimer()
	var res *Result
	for i := 0; i < b.N; i++ {
		res, err = AnalyzeFile(context.Background(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0).Seconds() / float64(b.N)
	sec := b.Elapsed().Seconds() / float64(b.N)
	// The machine may be shared: CPU time says what the analysis costs.
	b.ReportMetric(float64(st.Size())/(1<<20)/cpu, "cpu-MiB/s")
	b.ReportMetric(float64(st.Size())/(1<<20)/sec, "MiB/s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MiB")
	b.ReportMetric(float64(res.Packets), "packets")
	b.ReportMetric(float64(len(res.Conversations)), "conversations")
	b.ReportMetric(float64(len(res.Stratum)), "stratum-sessions")
	if len(res.Stratum) < benchStratum {
		b.Fatalf("found %d Stratum sessions, generated %d", len(res.Stratum), benchStratum)
	}
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
