package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// checkOut checks what a parser emits under fuzzing: whatever the input,
// a record that comes out is well formed.
type checkOut struct{ t *testing.T }

func (c checkOut) alert(a *alert.Alert) error {
	if !a.Src.IsValid() || !a.Dst.IsValid() || a.Line < 1 || a.Time.IsZero() {
		c.t.Fatalf("malformed alert: %+v", a)
	}
	for i := 0; i < len(a.ID); i++ {
		ch := a.ID[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
			c.t.Fatalf("alert ID %q has %q", a.ID, ch)
		}
	}
	return nil
}

func (c checkOut) flow(f *flow.Flow) error {
	if !f.Src.IsValid() || !f.Dst.IsValid() || f.Line < 1 || f.Duration < 0 {
		c.t.Fatalf("malformed flow: %+v", f)
	}
	return nil
}

func (c checkOut) skip() {}

// fuzzParse runs one parser over data and checks its error is one line.
func fuzzParse(t *testing.T, data []byte, p lineParser) {
	err := runLines(context.Background(), bytes.NewReader(data), p, "fuzz")
	if err != nil && strings.ContainsAny(err.Error(), "\n\x1b") {
		t.Fatalf("error is not one safe line: %q", err)
	}
}

// addSampleLines seeds a fuzz target with the lines of sample files.
func addSampleLines(f *testing.F, files ...string) {
	for _, name := range files {
		raw, err := os.ReadFile(sample(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		for _, l := range bytes.Split(raw, []byte("\n")) {
			if len(l) > 0 {
				f.Add(l)
			}
		}
	}
}

func FuzzPANOSLine(f *testing.F) {
	addSampleLines(f, "panos_real_syslog.log", "panos_8x_short.log", "hostile/panos_escape_threat.log",
		"bad/panos_truncated.log", "bad/panos_bad_ip.log")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newPANSyslogParser("fuzz", checkOut{t}))
		// The quote-free fast path splits exactly like encoding/csv.
		line := data
		if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
			line = line[:i]
		}
		if bytes.IndexByte(line, '"') < 0 && len(line) > 0 {
			got, _ := newCSVSplitter(0).split(line)
			r := csv.NewReader(bytes.NewReader(line))
			r.FieldsPerRecord, r.LazyQuotes = -1, true
			want, err := r.Read()
			if err == nil && strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("fast split %q != csv %q", got, want)
			}
		}
	})
}

func FuzzPANExport(f *testing.F) {
	addSampleLines(f, "panos_threat_export.csv", "panos_traffic_export.csv", "bad/panos_export_bad_port.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newPANExportParser("fuzz", FormatPANOSThreatCSV, checkOut{t}))
		fuzzParse(t, data, newPANExportParser("fuzz", FormatPANOSTrafficCSV, checkOut{t}))
	})
}

func FuzzEVE(f *testing.F) {
	addSampleLines(f, "eve_real_coinminer.json", "eve_sample.json", "bad/eve_bad_json.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newEVEParser("fuzz", checkOut{t}))
	})
}

func FuzzZeekTSV(f *testing.F) {
	addSampleLines(f, "zeek_conn.log", "bad/zeek_bad_columns.log")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newZeekTSVParser("fuzz", checkOut{t}))
	})
}

func FuzzZeekJSON(f *testing.F) {
	addSampleLines(f, "zeek_conn.json", "zeek_conn_underscore.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newZeekJSONParser("fuzz", checkOut{t}))
	})
}

func FuzzNfdump(f *testing.F) {
	addSampleLines(f, "nfdump16.csv", "nfdump17.csv", "nfdump_fast.csv", "bad/nfdump_bad_row.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, newNfdumpParser("fuzz", checkOut{t}))
	})
}

func FuzzDetect(f *testing.F) {
	for _, name := range []string{"panos_real_syslog.log", "panos_threat_export.csv", "panos_traffic_export.csv",
		"eve_sample.json", "zeek_conn.log", "zeek_conn.json", "nfdump16.csv", "nfdump17.csv", "nfdump_fast.csv",
		"bad/unknown.txt"} {
		raw, _ := os.ReadFile(sample(name))
		f.Add(firstN(raw, 2048))
		f.Add(gzipped(firstN(raw, 512)))
	}
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1})
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a})
	f.Fuzz(func(t *testing.T, data []byte) {
		format, _, err := Detect(data)
		if (err == nil) == (format == "") {
			t.Fatalf("Detect = %q, %v", format, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\x1b\x07") {
			t.Fatalf("error is not one safe line: %q", err)
		}
		// Whatever Detect accepts as a log, its parser must survive.
		if p := newParser(format, "fuzz", checkOut{t}); p != nil {
			fuzzParse(t, data, p)
		}
	})
}
