package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectSamples(t *testing.T) {
	cases := map[string]Format{
		"panos_real_syslog.log":           FormatPANOSSyslog,
		"panos_8x_short.log":              FormatPANOSSyslog,
		"hostile/panos_escape_threat.log": FormatPANOSSyslog,
		"panos_threat_export.csv":         FormatPANOSThreatCSV,
		"panos_traffic_export.csv":        FormatPANOSTrafficCSV,
		"eve_real_coinminer.json":         FormatSuricataEVE,
		"eve_sample.json":                 FormatSuricataEVE,
		"zeek_conn.log":                   FormatZeekConnTSV,
		"zeek_conn.json":                  FormatZeekConnJSON,
		"zeek_conn_underscore.json":       FormatZeekConnJSON,
		"nfdump16.csv":                    FormatNfdump16,
		"nfdump17.csv":                    FormatNfdump17,
		"nfdump_fast.csv":                 FormatNfdumpFast,
		"../captures/peafowl_monero_xmr-stak-login_DUP.pcap":         FormatPcap,
		"../captures/nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng": FormatPcapng,
	}
	for name, want := range cases {
		raw, err := os.ReadFile(sample(name))
		if err != nil {
			t.Fatal(err)
		}
		got, gz, err := Detect(firstN(raw, headSize))
		if err != nil || got != want || gz {
			t.Errorf("Detect(%s) = %s, gz %v, %v; want %s", name, got, gz, err, want)
		}
		// The same content compressed is detected inside the gzip.
		got, gz, err = Detect(gzipped(raw))
		if err != nil || got != want || !gz {
			t.Errorf("Detect(gzip %s) = %s, gz %v, %v; want %s inside gzip", name, got, gz, err, want)
		}
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return firstN(buf.Bytes(), headSize)
}

func TestDetectHeads(t *testing.T) {
	le := func(v uint32) []byte { b := make([]byte, 24); binary.LittleEndian.PutUint32(b, v); return b }
	be := func(v uint32) []byte { b := make([]byte, 24); binary.BigEndian.PutUint32(b, v); return b }
	shb := func(order binary.ByteOrder) []byte {
		b := make([]byte, 28)
		binary.BigEndian.PutUint32(b, 0x0a0d0d0a)
		order.PutUint32(b[8:], 0x1a2b3c4d)
		return b
	}
	ok := []struct {
		name string
		head []byte
		want Format
	}{
		{"pcap µs little-endian", le(0xa1b2c3d4), FormatPcap},
		{"pcap µs big-endian", be(0xa1b2c3d4), FormatPcap},
		{"pcap ns little-endian", le(0xa1b23c4d), FormatPcap},
		{"pcap ns big-endian", be(0xa1b23c4d), FormatPcap},
		{"pcapng little-endian", shb(binary.LittleEndian), FormatPcapng},
		{"pcapng big-endian", shb(binary.BigEndian), FormatPcapng},
		{"bare CSV with empty field 0", []byte(",2026/05/20 13:36:17,0123,TRAFFIC,end,1,2026/05/20 13:36:17,10.0.0.1,10.0.0.2\n"), FormatPANOSSyslog},
		{"SYSTEM line first", []byte("1,2019/03/14 09:14:00,001801012345,SYSTEM,general,0,2019/03/14 09:14:00,,general\n"), FormatPANOSSyslog},
		{"BOM and blank lines", []byte("\xef\xbb\xbf\n\r\nDomain,Receive Time,Serial #,Type,Source Address,Destination Address,Bytes Sent\n"), FormatPANOSTrafficCSV},
		{"export, lower-case header", []byte("receive time,source address,destination address,threat/content name\n"), FormatPANOSThreatCSV},
		{"nfdump custom csv", []byte("firstSeen,srcAddr,dstAddr,bytes\n"), FormatNfdump17},
		{"zeek json nested id", []byte(`{"ts":1,"id":{"orig_h":"10.0.0.1","orig_p":1,"resp_h":"10.0.0.2","resp_p":2}}` + "\n"), FormatZeekConnJSON},
		{"EVE line longer than the head", []byte(`{"timestamp":"2024-12-20T12:55:23.604368+0000","event_type":"alert","payload":"AAAA`), FormatSuricataEVE},
	}
	for _, c := range ok {
		got, _, err := Detect(c.head)
		if err != nil || got != c.want {
			t.Errorf("%s: Detect = %q, %v; want %s", c.name, got, err, c.want)
		}
	}
	bad := []struct {
		name string
		head []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"blank", []byte("\n \n\r\n"), "only blank lines"},
		{"ELF", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), "binary content starting 7f454c46"},
		{"zeek dns log", []byte("#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\n"), "a Zeek dns log"},
		{"other JSON", []byte(`{"hello":"world"}` + "\n"), "neither Suricata EVE"},
		{"bad JSON", []byte("{nope\n"), "first line is not JSON"},
		{"text", []byte("Dear analyst,\nplease find attached\n"), `first line: "Dear analyst,"`},
		{"escape in text", []byte("\x1b]0;owned\x07 hi, there\n"), `first line: "\e]0;owned\x07 hi, there"`},
		{"gzip of junk", []byte{0x1f, 0x8b, 0x08, 0, 0, 0}, "gzip data that does not decompress"},
		{"pcapng bad byte order", append(be(0x0a0d0d0a)[:8], 1, 2, 3, 4), "bad byte-order magic"},
		{"PAN-like with unknown prefix", []byte("hello world 1,2026/05/20 13:36:17,0123,THREAT,spyware\n"), "not a recognised"},
	}
	for _, c := range bad {
		_, _, err := Detect(c.head)
		if err == nil || !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Detect error = %v, want one containing %q", c.name, err, c.want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07\n") {
			t.Errorf("%s: error carries raw control bytes: %q", c.name, err)
		}
	}
}

// Detection reads content only: a capture named .log is still a capture.
func TestDetectIgnoresName(t *testing.T) {
	raw, _ := os.ReadFile(sample("zeek_conn.log"))
	p := filepath.Join(t.TempDir(), "capture.pcap")
	os.WriteFile(p, raw, 0o600)
	s := newFakeSink()
	sum, err := ImportFile(t.Context(), p, s, Options{})
	if err != nil || sum.Format != FormatZeekConnTSV {
		t.Errorf("zeek log named .pcap: %+v %v", sum, err)
	}
}
