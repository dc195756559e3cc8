package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds for --fault, SetFaults and InjectNext.
const (
	Fault500     = "500"     // 500 Internal Server Error with an envelope
	Fault502     = "502"     // 502 Bad Gateway with an envelope
	Fault503     = "503"     // 503 Service Unavailable with an envelope
	Fault504     = "504"     // 504 Gateway Timeout; the request IS carried out, its answer lost
	Fault429     = "429"     // 429 Too Many Requests with Retry-After: 1
	FaultReset   = "reset"   // the connection is dropped (TCP reset) without an answer; the request IS carried out
	FaultHTML    = "html"    // 502 with an HTML error page (text/html), as a proxy would send
	FaultGarbage = "garbage" // 200 with a truncated, malformed JSON body
	FaultCorrupt = "corrupt" // 200 with the real answer, one byte in its middle made a control character (malformed from there on)
	FaultCut     = "cut"     // 200 announcing the real answer's length, the connection dropped after half of it
)

var faultKinds = []string{Fault500, Fault502, Fault503, Fault504, Fault429, FaultReset, FaultHTML, FaultGarbage, FaultCorrupt, FaultCut}

func validFault(kind string) bool { return slices.Contains(faultKinds, kind) }

// ValidateFaults checks a --fault spec without starting anything.
func ValidateFaults(spec string) error {
	_, err := parseFaults(spec)
	return err
}

// faultShare is one kind of a mix with its share of requests.
type faultShare struct {
	kind  string
	share float64
}

// parseFaults reads a spec like "504=0.3,429=0.1,reset=0.05": comma-separated
// KIND=SHARE, each share in [0,1], at most 1 in total. Shares may also be
// written as percentages ("504=30%").
func parseFaults(spec string) ([]faultShare, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	var mix []faultShare
	total := 0.0
	seen := map[string]bool{}
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		kind, val, found := strings.Cut(part, "=")
		kind, val = strings.ToLower(strings.TrimSpace(kind)), strings.TrimSpace(val)
		if !found || kind == "" || val == "" {
			return nil, fmt.Errorf("fault %q: want KIND=SHARE, e.g. 504=0.3", part)
		}
		if !validFault(kind) {
			return nil, fmt.Errorf("fault %q: unknown kind %q (kinds: %s)", part, kind, strings.Join(faultKinds, ", "))
		}
		if seen[kind] {
			return nil, fmt.Errorf("fault kind %q is given twice", kind)
		}
		seen[kind] = true
		pct := strings.HasSuffix(val, "%")
		f, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
		if pct {
			f /= 100
		}
		if err != nil || f < 0 || f > 1 || f != f {
			return nil, fmt.Errorf("fault %q: the share must be a number from 0 to 1 (or 0%% to 100%%)", part)
		}
		total += f
		mix = append(mix, faultShare{kind, f})
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("fault shares add up to %.3g; they must not exceed 1", total)
	}
	return mix, nil
}

// faultInjector decides, per API request, whether to answer with a fault:
// first from the queue InjectNext fills, then by dice over the mix.
type faultInjector struct {
	mu    sync.Mutex
	mix   []faultShare
	rnd   *rand.Rand
	queue []string
}

func newFaultInjector(spec string, seed int64) (*faultInjector, error) {
	mix, err := parseFaults(spec)
	if err != nil {
		return nil, err
	}
	s1, s2 := uint64(seed), uint64(seed)^0x9e3779b97f4a7c15
	if seed == 0 {
		s1, s2 = rand.Uint64(), rand.Uint64()
	}
	return &faultInjector{mix: mix, rnd: rand.New(rand.NewPCG(s1, s2))}, nil
}

func (f *faultInjector) setMix(mix []faultShare) {
	f.mu.Lock()
	f.mix = mix
	f.mu.Unlock()
}

func (f *faultInjector) inject(kind string, n int) {
	f.mu.Lock()
	for range max(n, 0) {
		f.queue = append(f.queue, kind)
	}
	f.mu.Unlock()
}

// next returns the fault for this request, or "".
func (f *faultInjector) next() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) > 0 {
		k := f.queue[0]
		f.queue = f.queue[1:]
		return k
	}
	if len(f.mix) == 0 {
		return ""
	}
	x := f.rnd.Float64()
	for _, m := range f.mix {
		if x < m.share {
			return m.kind
		}
		x -= m.share
	}
	return ""
}

const htmlErrorPage = `<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>sandbox-gateway (injected fault)</center>
</body>
</html>
`

// writeFault answers with an injected fault.
func writeFault(w http.ResponseWriter, kind string, v2 bool) {
	fail := func(status int, code, msg string) response {
		if v2 {
			return failV2(status, code, msg)
		}
		return failV1(status, code, msg, "")
	}
	switch kind {
	case Fault500:
		writeResponse(w, fail(http.StatusInternalServerError, codeInternal, "Internal server error (injected fault). Contact mParticle support to resolve this error."))
	case Fault502:
		writeResponse(w, fail(http.StatusBadGateway, codeBadGateway, "Bad gateway (injected fault)."))
	case Fault503:
		writeResponse(w, fail(http.StatusServiceUnavailable, codeUnavailable, "Service unavailable (injected fault)."))
	case Fault504:
		writeResponse(w, fail(http.StatusGatewayTimeout, codeGatewayTimeout, "Gateway timeout (injected fault); retry with exponential backoff."))
	case Fault429:
		w.Header().Set("Retry-After", "1")
		writeResponse(w, fail(http.StatusTooManyRequests, codeRateLimited, "Too many requests (injected fault); retry after 1 second."))
	case FaultHTML:
		writeResponse(w, response{status: http.StatusBadGateway, body: []byte(htmlErrorPage), ctype: "text/html; charset=utf-8"})
	case FaultGarbage:
		writeResponse(w, response{status: http.StatusOK, body: []byte(`{"data":[{"id":1,"name":"Acme Sh`)})
	case FaultReset:
		resetConnection(w)
	}
}

// writeBroken answers with the real answer r broken half-way (corrupt,
// cut): what a client reading a long answer as it arrives finds only after
// it has handed on the first entities.
func writeBroken(w http.ResponseWriter, r response, kind string) {
	b := r.body
	if r.status != http.StatusOK || len(b) < 2 {
		writeResponse(w, r)
		return
	}
	half := len(b) / 2
	if kind == FaultCorrupt {
		b = slices.Clone(b)
		b[half] = 0x01 // invalid JSON inside a string and out of one
		writeResponse(w, response{status: r.status, body: b})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(r.status)
	w.Write(b[:half])                     //nolint:errcheck // the connection is dropped next anyway
	http.NewResponseController(w).Flush() //nolint:errcheck // best effort
	resetConnection(w)
}

// resetConnection drops the connection without an answer: hijack it, ask
// for a TCP reset (linger 0) and close.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.SetDeadline(time.Now())
	conn.Close()
}
