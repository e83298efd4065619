package ingest

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// countOut is an out that keeps nothing, so the benchmark measures parsing
// alone (the store's share of the 10 s budget is benchmarked in store/).
type countOut struct{ alerts, flows, skipped int }

func (c *countOut) alert(*alert.Alert) error { c.alerts++; return nil }
func (c *countOut) flow(*flow.Flow) error    { c.flows++; return nil }
func (c *countOut) skip()                    { c.skipped++ }

// panTrafficLines builds n PAN-OS 10.x TRAFFIC lines shaped like the real
// one in testdata (115 fields, ISO syslog header, a quoted field with
// commas), varying what varies on a real firewall.
func panTrafficLines(tb testing.TB, n int) []byte {
	tmpl := []string{
		"2026-05-20T13:36:16+07:00 MFU-FW.mfu.ac.th 1,2026/05/20 13:36:15,013101011043,TRAFFIC,end,2561,2026/05/20 13:36:15,",
		",202.28.46.69,0.0.0.0,0.0.0.0,Allow-Outside_to_WLAN,,,json-rpc,vsys1,SG-Outside,WLAN-Inside,ethernet1/22.240,ethernet1/22.241,Forward-to-FortiSIEM,2026/05/20 13:36:15,",
		",1,",
		",14444,0,0,0x100019,tcp,allow,",
		",2026/05/20 13:36:02,",
		",any,,7588383920033660891,0x0,Thailand,Thailand,,",
		",aged-out,0,0,0,0,WLAN,MFU-FW,from-policy,,,0,,0,,N/A,0,0,0,0,e3702b83-bc00-4ee6-bc8d-a5c7f19568da,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-05-20T13:36:16.534+07:00,,,internet-utility,general-internet,network-protocol,2,\"has-known-vulnerability,tunnel-other-application,pervasive-use\",,untunneled,no,no,0\n",
	}
	var b bytes.Buffer
	b.Grow(n * 720)
	num := make([]byte, 0, 24)
	for i := 0; i < n; i++ {
		b.WriteString(tmpl[0])
		b.WriteString("10.1.")
		b.Write(strconv.AppendInt(num[:0], int64(i>>8&255), 10))
		b.WriteByte('.')
		b.Write(strconv.AppendInt(num[:0], int64(i&255), 10))
		b.WriteString(tmpl[1])
		b.Write(strconv.AppendInt(num[:0], int64(30000000+i), 10))
		b.WriteString(tmpl[2])
		b.Write(strconv.AppendInt(num[:0], int64(32768+i%28000), 10))
		b.WriteString(tmpl[3])
		sent, rcvd := 400+i%900, 1200+i%5000
		b.Write(strconv.AppendInt(num[:0], int64(sent+rcvd), 10))
		b.WriteByte(',')
		b.Write(strconv.AppendInt(num[:0], int64(sent), 10))
		b.WriteByte(',')
		b.Write(strconv.AppendInt(num[:0], int64(rcvd), 10))
		b.WriteString(",12")
		b.WriteString(tmpl[4])
		b.Write(strconv.AppendInt(num[:0], int64(i%120), 10))
		b.WriteString(tmpl[5])
		b.WriteString("5,7")
		b.WriteString(tmpl[6])
	}
	return b.Bytes()
}

func TestBenchmarkLinesParse(t *testing.T) {
	data := panTrafficLines(t, 300)
	c := &countOut{}
	if err := runLines(context.Background(), bytes.NewReader(data), newPANSyslogParser("bench", c), "bench"); err != nil {
		t.Fatal(err)
	}
	if c.flows != 300 {
		t.Fatalf("%d flows from 300 lines", c.flows)
	}
	first := data[:bytes.IndexByte(data, '\n')]
	_, body := splitSyslog(first)
	f, err := newCSVSplitter(0).split(body)
	if err != nil || len(f) != 115 {
		t.Fatalf("generated line has %d fields, the real one 115 (%v)", len(f), err)
	}
}

// BenchmarkParsePANTraffic1M parses one million PAN-OS TRAFFIC lines per
// op: the parser's share of the "1,000,000 lines in ≤ 10 s" budget.
func BenchmarkParsePANTraffic1M(b *testing.B) {
	const n = 1_000_000
	data := panTrafficLines(b, n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &countOut{}
		p := newPANSyslogParser("bench", c)
		if err := runLines(context.Background(), bytes.NewReader(data), p, "bench"); err != nil {
			b.Fatal(err)
		}
		if c.flows != n {
			b.Fatalf("%d flows", c.flows)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(n*b.N), "allocs/line")
}
