package stratum_test

import (
	"fmt"
	"time"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// The capture engine feeds each direction's reassembled bytes, in any
// chunking, and asks for the session at the end.
func ExampleTracker() {
	t := stratum.NewTracker("192.168.2.92:55190", "178.32.196.217:9050")
	at := time.Date(2017, 12, 25, 10, 1, 34, 0, time.UTC)
	t.Feed(stratum.FromClient, at, 4, []byte(`{"method":"login","params":{"login":"4BCeEPho…ryzen","pass":"x","agent":"xmr-stak-cpu/1.3.0-1.5.0"},"id":1}`+"\n"))
	t.Feed(stratum.FromServer, at, 6, []byte(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"479059546883218","job":{"blob":"0606e898","job_id":"722134174127131","target":"dc460300"},"status":"OK"}}`+"\n"))
	t.Feed(stratum.FromClient, at, 8, []byte(`{"method":"submit","params":{"id":"479059546883218","job_id":"722134174127131",`))
	t.Feed(stratum.FromClient, at, 9, []byte(`"nonce":"98024001","result":"c9be93"},"id":1}`+"\n"))
	t.Feed(stratum.FromServer, at, 10, []byte(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`+"\n"))

	s := t.Session()
	fmt.Println(s.Dialect, s.Agent, s.Difficulty)
	for _, st := range s.Steps {
		fmt.Println(st.Step, st.Observed, st.Count, st.Frame)
	}
	// Output:
	// xmrig xmr-stak-cpu/1.3.0-1.5.0 20000.03
	// login true 1 4
	// job true 1 6
	// submit true 1 9
	// result true 1 10
}
