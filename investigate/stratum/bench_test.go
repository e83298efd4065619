package stratum

import (
	"strings"
	"testing"
)

// BenchmarkTrackerXMRig measures a realistic session: a login, then jobs,
// submits and results, fed per message. Reported as MB/s of stream bytes.
func BenchmarkTrackerXMRig(b *testing.B) {
	var client, server strings.Builder
	client.WriteString(xmrigLogin + "\n")
	server.WriteString(xmrigLoginResult + "\n")
	for range 100 {
		server.WriteString(xmrigJob + "\n")
		client.WriteString(xmrigSubmit2 + "\n")
		server.WriteString(xmrigAccepted2 + "\n")
	}
	cl, sv := []byte(client.String()), []byte(server.String())
	b.SetBytes(int64(len(cl) + len(sv)))
	b.ReportAllocs()
	for b.Loop() {
		tr := NewTracker("a:1", "b:2")
		for i := 0; i < len(cl); i += 1448 {
			tr.Feed(FromClient, ts(0), i, cl[i:min(i+1448, len(cl))])
		}
		for i := 0; i < len(sv); i += 1448 {
			tr.Feed(FromServer, ts(0), i, sv[i:min(i+1448, len(sv))])
		}
		if tr.Session() == nil {
			b.Fatal("no session")
		}
	}
}

// BenchmarkTrackerGarbage measures the cost of a binary stream that passed
// the pre-filter by accident: it is skipped to newlines, then abandoned.
func BenchmarkTrackerGarbage(b *testing.B) {
	data := []byte(strings.Repeat("{\x17\x03\x03\x00\x40 opaque record bytes that are not json at all\n", 20000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tr := NewTracker("a:1", "b:2")
		for i := 0; i < len(data); i += 1448 {
			tr.Feed(FromClient, ts(0), i, data[i:min(i+1448, len(data))])
		}
	}
}
