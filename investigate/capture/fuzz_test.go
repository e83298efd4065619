package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/minertriage/minertriage/investigate/capture/capturetest"
)

// FuzzAnalyze feeds arbitrary bytes to the capture reader: it may reject
// them, but must not panic or hang.
func FuzzAnalyze(f *testing.F) {
	for _, name := range []string{"peafowl_ethereum-js-http_NEG-geth-jsonrpc.pcap", "nDPI_nats_NEG-dltnull-json-text.pcap",
		"nDPI_jsonrpc_NEG-echo-tcp+zabbix-http.pcap"} {
		f.Add(realCapture(f, name))
	}
	b := capturetest.New(1, 113)
	c := b.TCP(miner, pool)
	c.Handshake()
	c.Send(true, []byte(xmrLogin), 40)
	b.Iface = 1
	c.Send(false, []byte(xmrLoginR), 0)
	b.DNSAnswer("10.0.0.2:5353", "10.0.0.1:53", "pool.example", []string{"a.example"}, "45.9.148.21", "2001:db8::1")
	tc := b.TCP("10.0.0.2:50000", "1.2.3.4:443")
	tc.Send(true, capturetest.ClientHello("pool.minexmr.com"), 30)
	for _, fr := range capturetest.Fragment(capturetest.IPPacket(c.Client, c.Server, &layers.TCP{DataOffset: 5}, []byte(xmrSubmit)), 64, 9) {
		b.Add(fr)
	}
	f.Add(b.PcapNg())
	f.Add(capturetest.Gzip(b.PcapNg()))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Analyze(context.Background(), bytes.NewReader(data), Options{MaxPackets: 8, MaxStreamBytes: 64})
		if err == nil && res.Packets < len(res.PacketList) {
			t.Fatalf("%d packets but %d rows", res.Packets, len(res.PacketList))
		}
		if err == nil {
			for _, s := range res.Stratum { // the contract's enum, whatever the bytes
				if s.Dialect == "" || s.TLS {
					t.Fatalf("stratum entry %s → %s: dialect %q tls %v", s.Client, s.Server, s.Dialect, s.TLS)
				}
			}
			for _, s := range res.StratumTLS {
				if !s.TLS || s.Dialect != "" {
					t.Fatalf("stratum_tls entry %s → %s: dialect %q tls %v", s.Client, s.Server, s.Dialect, s.TLS)
				}
			}
		}
		_, _ = Scan(context.Background(), bytes.NewReader(data))
	})
}

// collect is a streamSink that keeps what it is given.
type collect struct {
	out  []byte
	gaps int
}

func (c *collect) deliver(data []byte, _ int, _ time.Time) { c.out = append(c.out, data...) }
func (c *collect) gap()                                    { c.gaps++ }

// FuzzReassembler sends a stream as arbitrary segments (any order, any
// overlap, repeats) followed by one segment with the whole stream: unless a
// buffer limit forced a gap, exactly the stream must come out, once.
func FuzzReassembler(f *testing.F) {
	f.Add(uint32(1000), []byte{0, 10, 20, 10, 10, 30, 5, 5})
	f.Add(uint32(0xfffffff0), []byte{40, 200, 0, 50, 30, 30})
	f.Fuzz(func(t *testing.T, isn uint32, ops []byte) {
		stream := make([]byte, 600)
		for i := range stream {
			stream[i] = byte(i*7 + i/256)
		}
		var r reassembler
		sink := &collect{}
		r.add(isn, true, nil, 1, time.Time{}, sink)
		for i := 0; i+3 < len(ops); i += 4 {
			off := int(binary.BigEndian.Uint16(ops[i:])) % len(stream)
			n := int(ops[i+2]) + int(ops[i+3])%2*256
			if off+n > len(stream) {
				n = len(stream) - off
			}
			r.add(isn+1+uint32(off), false, stream[off:off+n], i, time.Time{}, sink)
		}
		r.add(isn+1, false, stream, 0, time.Time{}, sink)
		r.flush(sink)
		if len(r.segs) != 0 || r.buffed != 0 {
			t.Fatalf("%d segments (%d bytes) left buffered", len(r.segs), r.buffed)
		}
		if sink.gaps == 0 && !bytes.Equal(sink.out, stream) {
			t.Fatalf("delivered %d bytes, want the %d-byte stream exactly", len(sink.out), len(stream))
		}
		if sink.gaps == 0 && r.gaps != 0 || len(sink.out) > len(stream)+int(maxOOOBytes) {
			t.Fatalf("gaps %d/%d, delivered %d", sink.gaps, r.gaps, len(sink.out))
		}
	})
}

func TestReassemblerGapAtBufferLimit(t *testing.T) {
	var r reassembler
	sink := &collect{}
	r.add(0, true, nil, 1, time.Time{}, sink)
	chunk := make([]byte, 1000)
	// Byte 0..999 never arrives; 300 KB after it does: more than the
	// per-direction limit, so the hole becomes a gap and data flows again.
	for off := 1000; off < 301000; off += 1000 {
		r.add(1+uint32(off), false, chunk, 2, time.Time{}, sink)
	}
	if r.gaps != 1 || sink.gaps != 1 || r.buffed > maxOOOBytes || len(sink.out) == 0 {
		t.Fatalf("gaps %d, buffered %d, delivered %d", r.gaps, r.buffed, len(sink.out))
	}
}
