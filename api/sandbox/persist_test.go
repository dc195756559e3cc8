package sandbox

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// startHandlerServer serves a sandbox made with New through httptest (the
// real handler) and points its URL helpers at it.
func startHandlerServer(t testing.TB, srv *Server) *Server {
	t.Helper()
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	srv.url = hs.URL
	return srv
}

// readStoreKeys dumps a closed data file's keys and values as text.
func readStoreKeys(t testing.TB, file string) string {
	t.Helper()
	db, err := bbolt.Open(file, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open data file: %v", err)
	}
	defer db.Close()
	var b strings.Builder
	db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(boltBucket).ForEach(func(k, v []byte) error {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
			return nil
		})
	})
	return b.String()
}

func TestStores(t *testing.T) {
	open := map[string]func(t *testing.T) (store, func() store){
		"memory": func(t *testing.T) (store, func() store) {
			m := newMemStore(func() ([]record, error) { return []record{{"base/1", []byte(`1`)}, {"base/2", []byte(`2`)}}, nil })
			return m, func() store { return m }
		},
		"bbolt": func(t *testing.T) (store, func() store) {
			file := filepath.Join(t.TempDir(), "s.db")
			b, err := openBolt(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.apply([]record{{"base/1", []byte(`1`)}, {"base/2", []byte(`2`)}}, nil); err != nil {
				t.Fatal(err)
			}
			return b, func() store {
				b.close()
				nb, err := openBolt(file)
				if err != nil {
					t.Fatalf("reopen: %v", err)
				}
				t.Cleanup(func() { nb.close() })
				return nb
			}
		},
	}
	for name, mk := range open {
		t.Run(name, func(t *testing.T) {
			s, reopen := mk(t)
			if err := s.apply([]record{{"b", []byte(`"b"`)}, {"a", []byte(`"a"`)}}, []string{"base/1"}); err != nil {
				t.Fatal(err)
			}
			if err := s.apply([]record{{"c", []byte(`"c"`)}}, []string{"b"}); err != nil {
				t.Fatal(err)
			}
			s = reopen()
			var got []string
			if err := s.load(func(k string, v []byte) error { got = append(got, k+"="+string(v)); return nil }); err != nil {
				t.Fatal(err)
			}
			want := []string{`a="a"`, "base/2=2", `c="c"`}
			if !slices.Equal(got, want) {
				t.Errorf("load = %v, want %v", got, want)
			}
			s.close()
			if err := s.apply([]record{{"d", nil}}, nil); err == nil {
				t.Errorf("apply on a closed store succeeded")
			}
		})
	}
}

func TestDataFileIsExclusiveAndPrivate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.db")
	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("data file mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := New(Options{DataFile: file}); err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second sandbox on the same file: %v", err)
	}
	if _, err := New(Options{DataFile: filepath.Join(t.TempDir(), "no", "such", "dir", "s.db")}); err == nil {
		t.Errorf("a data file in a missing directory was accepted")
	}
}

// Every accepted write survives a restart; the seed is written once.
func TestPersistenceAcrossRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sandbox.db")
	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	startHandlerServer(t, srv)
	c := sbAdmin(t, srv)
	c.do("POST", "/v1/apps?accountId=1", `{"name":"Persisted","platforms":[{"os":"Roku"}]}`).want(t, 201)
	c.do("PUT", "/v1/apps/2?accountId=1", `{"name":"Renamed"}`).want(t, 202)
	c.do("DELETE", "/v1/audiences/7622?accountId=1", nil).want(t, 202)
	c.do("PUT", "/v1/apps/1/platforms/android/services?accountId=1", `{"name":"Indicative","isActive":true,"settings":[{"name":"apiKey","value":"new-key-123456"},{"name":"userIdentification","value":"Email"}]}`).want(t, 202)
	c.do("POST", "/v1/workspace/4303/partnerfeeds?accountId=1", `{"module_name":"radar","name":"keep me","os":"tvos"}`).want(t, 201)
	c.do("PUT", "/v1/apps/1/Mixpanel/datapoints?accountId=1", `[{"name":"navigation","type":"EventType","enabled":false}]`).want(t, 202)
	c.do("POST", "/platform/v2/workspaces/4303/calculatedattributes", caDraftBodyForTest("Survivor")).want(t, 201)
	c.do("POST", "/v1/users?accountId=2", `{"first_name":"Q","last_name":"A","email":"qa2@acme.example"}`).want(t, 201)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv2, err := New(Options{DataFile: file, Seed: "empty"}) // the seed is ignored: the file has data
	if err != nil {
		t.Fatal(err)
	}
	startHandlerServer(t, srv2)
	c = sbAdmin(t, srv2)
	apps := sbNames(c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200).items(t), "name")
	if !sbContains(apps, "Persisted") || !sbContains(apps, "Renamed") || sbContains(apps, "Acme Rewards") {
		t.Errorf("apps after restart: %v", apps)
	}
	if len(c.do("GET", "/v1/workspace/4302/audiences?accountId=1", nil).bareList(t)) != 1 {
		t.Errorf("deleted audience came back")
	}
	cfgs := string(c.do("GET", "/v1/apps/1/platforms/android/services?accountId=1", nil).body)
	if !strings.Contains(cfgs, `"**********3456"`) {
		t.Errorf("service configuration lost: %s", cfgs)
	}
	feeds := sbNames(c.do("GET", "/v1/workspace/4303/partnerfeeds?accountId=1", nil).items(t), "name")
	if !sbContains(feeds, "keep me") {
		t.Errorf("feeds: %v", feeds)
	}
	for _, f := range c.do("GET", "/v1/apps/1/Mixpanel/datapoints?accountId=1", nil).items(t) {
		if f["event_type"] == "navigation" && f["enabled"] != false {
			t.Errorf("EventType cascade lost: %v", f)
		}
	}
	if c.do("HEAD", "/platform/v2/workspaces/4303/calculatedattributes?name=Survivor", nil).status != 204 {
		t.Errorf("calculated attribute lost")
	}
	if len(c.do("GET", "/v1/users?accountId=2", nil).items(t)) != 2 {
		t.Errorf("user lost")
	}
	// Ids keep counting from where they were.
	r := c.do("POST", "/v1/apps?accountId=1", `{"name":"Next","platforms":[{"os":"iOS"}]}`).want(t, 201)
	if id := sbFirst(t, r.items(t))["id"]; id != float64(7) {
		t.Errorf("next app id %v, want 7", id)
	}
	srv2.Close()
}

func caDraftBodyForTest(name string) string {
	return fmt.Sprintf(`{"name":%q,"draft_definition":{"recipe_type":"event","datapoint":{"type":"event","event_name":"Purchase","event_type":"custom_event"},
		"conditions":[],"calculation_type":"count","time_period":{"type":"within","within":7,"within_unit":"days"}}}`, name)
}

// A write whose commit fails answers 500 and leaves the model as the store
// has it.
func TestFailedCommitRollsBack(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	srv.store.close() // every apply fails from now on
	r := c.do("POST", "/v1/apps?accountId=1", `{"name":"Lost","platforms":[{"os":"iOS"}]}`)
	if r.status != 500 || !strings.Contains(r.message(), "could not save") {
		t.Fatalf("write on a failing store: %d %q", r.status, r.message())
	}
	if n := sbNames(c.do("GET", "/v1/apps?accountId=1", nil).items(t), "name"); sbContains(n, "Lost") || len(n) != 4 {
		t.Errorf("the failed write is visible: %v", n)
	}
}

// TestSandboxHelperProcess is the child of TestKill9: it serves a sandbox
// on a data file until it is killed.
func TestSandboxHelperProcess(t *testing.T) {
	file := os.Getenv("SANDBOX_KILL9_DATA")
	if file == "" {
		t.Skip("helper process for TestKill9")
	}
	srv, err := Start(t.Context(), Options{DataFile: file})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("URL", srv.URL())
	select {}
}

// TestKill9 kills a sandbox (SIGKILL) in the middle of a stream of writes and
// reopens its data file: it opens cleanly and holds every acknowledged write.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	file := filepath.Join(t.TempDir(), "kill9.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), "SANDBOX_KILL9_DATA="+file)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	var url string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			url = u
			break
		}
		if strings.HasPrefix(sc.Text(), "ERROR") {
			t.Fatal(sc.Text())
		}
	}
	if url == "" {
		t.Fatal("the helper process did not start")
	}
	remote := &Server{url: url}
	c := sbAdmin(t, remote)
	c.hc = &http.Client{Timeout: 5 * time.Second}

	var (
		mu    sync.Mutex
		acked []string
		count atomic.Int64
		wg    sync.WaitGroup
	)
	killed := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				name := fmt.Sprintf("kill9-%d-%d", w, i)
				body := strings.NewReader(`{"name":"` + name + `","platforms":[{"os":"iOS"}]}`)
				req, _ := http.NewRequest("POST", url+"/v1/apps?accountId=1", body)
				req.Header.Set("Authorization", "Bearer "+c.token)
				res, err := c.hc.Do(req)
				if err != nil {
					return // the server is gone
				}
				res.Body.Close()
				if res.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
					if count.Add(1) == 40 {
						cmd.Process.Kill() // SIGKILL, mid-stream: other writes are in flight
						close(killed)
					}
				}
			}
		})
	}
	wg.Wait()
	cmd.Wait()

	srv, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	startHandlerServer(t, srv)
	got := sbNames(sbAdmin(t, srv).do("GET", "/v1/apps?accountId=1", nil).want(t, 200).items(t), "name")
	for _, name := range acked {
		if !sbContains(got, name) {
			t.Errorf("acknowledged write %s lost", name)
		}
	}
	if len(acked) < 40 || len(got) < 4+len(acked) {
		t.Errorf("acked %d, apps %d", len(acked), len(got))
	}
	srv.Close()
}

// Concurrent writers and readers, under the race detector: names stay
// unique, every created app is there, nothing is torn.
func TestConcurrentWriters(t *testing.T) {
	srv := startSB(t, Options{DataFile: filepath.Join(t.TempDir(), "c.db")})
	c := sbAdmin(t, srv)
	const writers, each = 6, 8
	var wg sync.WaitGroup
	var dupRefused atomic.Int64
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := c.do("POST", "/v1/apps?accountId=1", fmt.Sprintf(`{"name":"w%d-%d","platforms":[{"os":"iOS"},{"os":"Android"}]}`, w, i))
				if r.status != 201 {
					t.Errorf("create: %d %s", r.status, r.message())
					return
				}
				id := sbFirst(t, r.items(t))["id"].(float64)
				c.do("PUT", fmt.Sprintf("/v1/apps/%d?accountId=1", int(id)), fmt.Sprintf(`{"name":"renamed w%d-%d"}`, w, i)).want(t, 202)
				// Everyone races for the same name: exactly one wins.
				if r := c.do("PUT", fmt.Sprintf("/v1/apps/%d?accountId=1", int(id)), fmt.Sprintf(`{"name":"contested %d"}`, i)); r.status == 422 {
					dupRefused.Add(1)
				}
				c.do("PUT", "/v1/apps/1/datapoints?accountId=1", fmt.Sprintf(`{"name":"e%d-%d","type":"Event","event_type":"other"}`, w, i)).want(t, 202)
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 20 {
				c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
				c.do("GET", "/v1/audiences?accountId=1", nil).want(t, 200)
			}
		})
	}
	wg.Wait()
	apps := sbNames(c.do("GET", "/v1/apps?accountId=1", nil).items(t), "name")
	if len(apps) != 4+writers*each {
		t.Errorf("%d apps, want %d", len(apps), 4+writers*each)
	}
	seen := map[string]bool{}
	for _, n := range apps {
		if seen[strings.ToLower(n)] {
			t.Errorf("duplicate app name %q", n)
		}
		seen[strings.ToLower(n)] = true
	}
	if dupRefused.Load() != int64((writers-1)*each) {
		t.Errorf("%d contested renames refused, want %d", dupRefused.Load(), (writers-1)*each)
	}
	if n := len(c.do("GET", "/v1/apps/1/datapoints?accountId=1", nil).items(t)); n != 13+writers*each {
		t.Errorf("%d DataPoints", n)
	}
}

// A data file written by an earlier build of the sandbox (testdata/
// data-v1.db: the default seed, a token and credential records, and one
// write of every kind) still loads: every record decodes and encodes back to
// the same bytes, and the server serves what the file holds.
func TestLegacyDataFileLoads(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "data-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "sandbox.db")
	if err := os.WriteFile(file, src, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := openBolt(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	b.load(func(k string, v []byte) error {
		want[k] = string(v)
		return nil
	})
	st, ok, err := loadState(b)
	b.close()
	if err != nil || !ok {
		t.Fatalf("load: ok=%v err=%v", ok, err)
	}
	recs, err := encodeAll(st)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		got[r.key] = string(r.value)
	}
	for k, v := range want {
		kind, rest, _ := strings.Cut(k, "/")
		if kind == "token" || kind == "cred" { // held apart from the model, never re-encoded
			_, tok := st.tokens[rest]
			_, cred := st.creds[rest]
			if got[k] = v; !tok && !cred {
				t.Errorf("%s: not loaded", k)
			}
			continue
		}
		if got[k] != v {
			t.Errorf("%s: re-encoded as\n%s\nwant\n%s", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: not in the file", k)
		}
	}
	if len(want) < 50 {
		t.Fatalf("only %d records in the file", len(want))
	}

	srv, err := New(Options{DataFile: file, Seed: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	startHandlerServer(t, srv)
	defer srv.Close()
	c := sbAdmin(t, srv)
	if apps := sbNames(c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200).items(t), "name"); !sbContains(apps, "Persisted") {
		t.Errorf("apps: %v", apps)
	}
	if c.do("HEAD", "/platform/v2/workspaces/4303/calculatedattributes?name=Survivor", nil).status != 204 {
		t.Errorf("calculated attribute lost")
	}
	if dps := sbNames(c.do("GET", "/v1/apps/1/datapoints?accountId=1", nil).want(t, 200).items(t), "name"); !sbContains(dps, "my new event") {
		t.Errorf("datapoints: %v", dps)
	}
	if us := sbNames(c.do("GET", "/v1/users?accountId=2", nil).want(t, 200).items(t), "email"); !sbContains(us, "qa2@acme.example") {
		t.Errorf("users: %v", us)
	}
}
