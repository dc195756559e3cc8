// Package benchsandbox runs a sandbox in a child process for benchmarks:
// the test binary run again, serving the sandbox and nothing else, as a
// remote API would. In the benchmark's own process a large seed's heap
// (hundreds of megabytes) makes every garbage collection long and lands
// its cycles on what is measured.
//
// A package whose benchmarks use it calls ServeIfChild first in its
// TestMain. StartPiped starts any other child a benchmark talks to over
// its standard input and output.
package benchsandbox

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api/sandbox"
)

// seedEnv, set in a child's environment, makes it serve a sandbox of
// that seed.
const seedEnv = "MPCONSOLE_BENCH_SANDBOX_SEED"

// ServeIfChild serves a sandbox and exits when this process is a child
// Start started: it prints the sandbox's v1, v2 and token URLs on one line
// and serves until its input ends. Otherwise it returns at once.
func ServeIfChild() {
	seed := os.Getenv(seedEnv)
	if seed == "" {
		return
	}
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Seed: seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(srv.V1URL(), srv.V2URL(), srv.TokenURL())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
	os.Exit(0)
}

// Server is a sandbox serving from a child process. It has what the
// accounts package asks of the embedded sandbox (accounts.Sandbox).
type Server struct{ v1, v2, token string }

// Start starts a child serving a sandbox seeded seed, until tb ends.
func Start(tb testing.TB, seed string) *Server {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), seedEnv+"="+seed)
	cmd.Stderr = os.Stderr
	stdin, stdout := StartPiped(tb, cmd)
	tb.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := stdout.ReadString('\n')
	urls := strings.Fields(line)
	if err != nil || len(urls) != 3 {
		tb.Fatalf("sandbox child: %q %v", line, err)
	}
	return &Server{v1: urls[0], v2: urls[1], token: urls[2]}
}

// StartPiped starts cmd with its standard input and output piped to the
// caller, who closes the input and waits for cmd.
func StartPiped(tb testing.TB, cmd *exec.Cmd) (io.WriteCloser, *bufio.Reader) {
	tb.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("%s: %v", cmd.Path, err)
	}
	return stdin, bufio.NewReader(stdout)
}

// V1URL is the sandbox's v1 base URL.
func (s *Server) V1URL() string { return s.v1 }

// V2URL is the sandbox's v2 base URL.
func (s *Server) V2URL() string { return s.v2 }

// TokenURL is the sandbox's token endpoint.
func (s *Server) TokenURL() string { return s.token }

// AdminLogin is the credentials of a client of every account.
func (s *Server) AdminLogin() (string, string) {
	return sandbox.DefaultClientID, sandbox.DefaultClientSecret
}

// ViewerLogin is the credentials of a read-only client.
func (s *Server) ViewerLogin() (string, string) {
	return sandbox.ViewerClientID, sandbox.ViewerClientSecret
}

// SeedAccount is the account the sandbox's seed opens on.
func (s *Server) SeedAccount() int64 { return sandbox.SeedAccountID }
