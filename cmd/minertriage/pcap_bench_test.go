package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
)

// benchResult is a real capture's Result grown to the shape of the 512 MiB
// benchmark capture: 60,000 conversations besides the real ones.
func benchResult(b *testing.B) *capture.Result {
	b.Helper()
	res, err := capture.AnalyzeFile(context.Background(), realCapture("nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng"),
		capture.Options{MinString: capture.DefaultMinString, MaxStrings: capture.DefaultMaxStrings})
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i := range 60000 {
		res.Conversations = append(res.Conversations, capture.Conversation{
			Client: "10.1." + strconv.Itoa(i/250%250) + "." + strconv.Itoa(i%250) + ":" + strconv.Itoa(40000+i%20000),
			Server: "203.0.113." + strconv.Itoa(i%200) + ":443", Proto: "tcp", Packets: 24, Bytes: int64(9000 + i%5000),
			Start: t0.Add(time.Duration(i) * time.Millisecond), End: t0.Add(time.Duration(i+900) * time.Millisecond),
			App: "tls", SNI: "cdn" + strconv.Itoa(i%900) + ".example.net",
		})
	}
	return res
}

// BenchmarkPcapJSON compares the streamed document with writeJSON's
// whole-document marshal; B/op is the garbage each leaves behind (the
// whole-document one also holds it all at once).
func BenchmarkPcapJSON(b *testing.B) {
	res := benchResult(b)
	for _, c := range []struct {
		name  string
		write func(io.Writer, any) error
	}{{"stream", writeJSONStream}, {"marshal", writeJSON}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.write(io.Discard, res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPcapReport is the readable report of 60,000 conversations, of
// which it prints 60.
func BenchmarkPcapReport(b *testing.B) {
	res := benchResult(b)
	b.ReportAllocs()
	for b.Loop() {
		writePcapReport(io.Discard, res)
	}
}

// BenchmarkPcapCommand runs `pcap` and `pcap --json` end to end on the
// 512 MiB capture investigate/capture's benchmarks generate (in the temp
// directory or MINERTRIAGE_BENCH_DIR); it skips when that file is absent.
// Peak RSS is measured outside: /usr/bin/time -f "%e s %M KB".
func BenchmarkPcapCommand(b *testing.B) {
	dir := os.Getenv("MINERTRIAGE_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "minertriage-bench-512mib-v2.pcap")
	if _, err := os.Stat(path); err != nil || testing.Short() {
		b.Skip("no benchmark capture (run investigate/capture's benchmarks first) or -short")
	}
	for _, args := range [][]string{{"pcap", path}, {"pcap", "--json", path}} {
		b.Run(strings.Join(args[:len(args)-1], "_"), func(b *testing.B) {
			for b.Loop() {
				if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
