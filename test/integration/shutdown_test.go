package integration

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/testdb"
)

var inFlightRe = regexp.MustCompile(`(?m)^lysoen_http_in_flight_requests (\d+)$`)

// othersInFlight is how many requests the server is serving besides the
// /metrics request that asks.
func othersInFlight(t *testing.T, s *server) int {
	t.Helper()
	code, m := get(t, s.URL+"/metrics")
	match := inFlightRe.FindStringSubmatch(m)
	if code != 200 || match == nil {
		t.Fatalf("/metrics: %d, no in-flight gauge:\n%s", code, m)
	}
	n, _ := strconv.Atoi(match[1])
	return n - 1
}

// TestGracefulShutdown: a request in flight when the stop signal arrives
// still gets its answer; while it is held open new connections are
// refused, and run returns nil once it is answered. The test waits for
// states (the request counted in flight, the listener closed), not for
// fixed times.
func TestGracefulShutdown(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	s.waitReady(t)

	body := `{"query":"{ country(iso3: \"NOR\") { name } }"}`
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Send the headers and half the body: the handler starts and waits
	// for the rest of the body.
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	until(t, "the half-sent request is being served", func() bool { return othersInFlight(t, s) == 1 })

	s.stop() // SIGTERM
	until(t, "new connections are refused", func() bool {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c.Close()
			return false
		}
		if errors.Is(err, syscall.ECONNRESET) {
			return false // was in the accept queue when the listener closed: try again
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial after shutdown began: %v, want connection refused", err)
		}
		return true
	})
	select {
	case err := <-s.done:
		t.Fatalf("the server exited (%v) while a request was still in flight", err)
	default:
	}

	fmt.Fprint(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"Norway"`) {
		t.Errorf("in-flight request: %d %s", resp.StatusCode, b)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("the server exited with %v, want status 0 after a graceful stop", err)
		}
		s.done <- nil // for the cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit after shutdown")
	}
}
