package store

import (
	"testing"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// FuzzDecodeRecords feeds arbitrary bytes to the decoders of stored
// records, as a damaged or hostile store file would: they must return an
// error, never panic, and whatever decodes must encode back to a record
// that decodes the same.
func FuzzDecodeRecords(f *testing.F) {
	a := minerAlert("pan-007051000113358-501-7360", t0, miner, 501)
	a.Payload = []byte(`{"method":"login","params":{"agent":"XMRig/6.21.0"}}`)
	f.Add(appendAlertValue(nil, &a), []byte{})
	fl := trafficFlow(miner, pool, 501, t0)
	dt := &dict{names: []string{""}, ids: map[string]uint64{"": 0}}
	v, _ := appendFlowValue(nil, &fl, dt)
	k := appendFlowKey(nil, &fl, flowIdentity(&fl))
	f.Add(v, k)
	f.Add(sessRecord(k, pairLen(k)), k[:9])
	f.Fuzz(func(t *testing.T, v, k []byte) {
		var a, a2 alert.Alert
		if decodeAlert(v, &a, map[string]string{}) == nil {
			if err := decodeAlert(appendAlertValue(nil, &a), &a2, nil); err != nil {
				t.Fatalf("re-encoded alert does not decode: %v", err)
			}
		}
		var fl, fl2 flow.Flow
		if decodeFlow(k, v, &fl, dt) == nil {
			k2 := appendFlowKey(nil, &fl, 7)
			v2, err := appendFlowValue(nil, &fl, dt)
			if err != nil || decodeFlow(k2, v2, &fl2, dt) != nil || fl2.SrcPort != fl.SrcPort || fl2.Src != fl.Src {
				t.Fatalf("re-encoded flow differs: %+v → %+v (%v)", fl, fl2, err)
			}
		}
		sessionJoin(v, 1, k, t0)
		readAddr(k)
	})
}
