package store

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/minertriage/minertriage/investigate/ingest"
)

// writePANTraffic writes n PAN-OS 10.x TRAFFIC syslog lines shaped like the
// real line in testdata/logs/panos_real_syslog.log (115 fields, ISO 8601
// syslog header, a quoted field with commas; the same template as
// investigate/ingest's parser benchmark), varying source host, port,
// session id and byte counts as a firewall does.
func writePANTraffic(tb testing.TB, path string, n int) {
	tmpl := []string{
		"2026-05-20T13:36:16+07:00 MFU-FW.mfu.ac.th 1,2026/05/20 13:36:15,013101011043,TRAFFIC,end,2561,2026/05/20 13:36:15,",
		",202.28.46.69,0.0.0.0,0.0.0.0,Allow-Outside_to_WLAN,,,json-rpc,vsys1,SG-Outside,WLAN-Inside,ethernet1/22.240,ethernet1/22.241,Forward-to-FortiSIEM,2026/05/20 13:36:15,",
		",1,",
		",14444,0,0,0x100019,tcp,allow,",
		",2026/05/20 13:36:02,",
		",any,,7588383920033660891,0x0,Thailand,Thailand,,",
		",aged-out,0,0,0,0,WLAN,MFU-FW,from-policy,,,0,,0,,N/A,0,0,0,0,e3702b83-bc00-4ee6-bc8d-a5c7f19568da,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-05-20T13:36:16.534+07:00,,,internet-utility,general-internet,network-protocol,2,\"has-known-vulnerability,tunnel-other-application,pervasive-use\",,untunneled,no,no,0\n",
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	num := make([]byte, 0, 24)
	itoa := func(v int) { w.Write(strconv.AppendInt(num[:0], int64(v), 10)) }
	for i := 0; i < n; i++ {
		w.WriteString(tmpl[0])
		w.WriteString("10.1.")
		itoa(i >> 8 & 255)
		w.WriteByte('.')
		itoa(i & 255)
		w.WriteString(tmpl[1])
		itoa(30000000 + i)
		w.WriteString(tmpl[2])
		itoa(32768 + i%28000)
		w.WriteString(tmpl[3])
		sent, rcvd := 400+i%900, 1200+i%5000
		itoa(sent + rcvd)
		w.WriteByte(',')
		itoa(sent)
		w.WriteByte(',')
		itoa(rcvd)
		w.WriteString(",12")
		w.WriteString(tmpl[4])
		itoa(i % 120)
		w.WriteString(tmpl[5])
		w.WriteString("5,7")
		w.WriteString(tmpl[6])
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportPANTraffic1M is the end-to-end figure: 1,000,000
// PAN-OS TRAFFIC lines (~700 MB) detected, parsed and stored by
// ingest.ImportFile in one transaction. Target: ≤ 10 s, ≤ 500 MiB.
func BenchmarkImportPANTraffic1M(b *testing.B) {
	const n = 1_000_000
	log := filepath.Join(b.TempDir(), "traffic.log")
	writePANTraffic(b, log, n)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(ImportMemoryLimit)) // as the import command does
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "e2e.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		m := startPeak()
		b.StartTimer()
		sum, err := ingest.ImportFile(context.Background(), log, s, ingest.Options{})
		b.StopTimer()
		m.report(b)
		if err != nil || sum.Flows != n {
			b.Fatalf("%+v, %v", sum, err)
		}
		s.Close()
	}
}
