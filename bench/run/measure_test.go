package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The harness finds Neo4j's process by the port it listens on: here, this
// test's own listener.
func TestListenerPID(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if got := listenerPID(fmt.Sprintf("bolt://127.0.0.1:%d", port)); got != os.Getpid() {
		t.Errorf("listenerPID: %d, want this process %d", got, os.Getpid())
	}
	l.Close()
	if got := listenerPID(fmt.Sprintf("bolt://127.0.0.1:%d", port)); got != 0 {
		t.Errorf("listenerPID of a closed port: %d, want 0", got)
	}
	if got := listenerPID("bolt://db.example.org"); got != 0 {
		t.Errorf("listenerPID without a port: %d, want 0", got)
	}
}

// processCPU is this process's user + system time from getrusage(2): the
// kernel's own account, independent of /proc/<pid>/stat.
func processCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuTime follows this process's CPU time as it burns some: the test
// burns until getrusage counts 200 ms of CPU (however long that takes on
// a busy machine) and cpuTime must agree within its 10 ms ticks.
func TestCPUTime(t *testing.T) {
	before, ruBefore := cpuTime(os.Getpid()), processCPU(t)
	x := 0
	for processCPU(t)-ruBefore < 200*time.Millisecond {
		x++
	}
	got, want := cpuTime(os.Getpid())-before, processCPU(t)-ruBefore
	if diff := got - want; diff < -30*time.Millisecond || diff > 30*time.Millisecond {
		t.Errorf("%d turns of busy loop: /proc counted %v of CPU, getrusage %v", x, got, want)
	}
	if cpuTime(0) != 0 {
		t.Error("cpuTime(0) is not 0")
	}
}

// The table compares each round's p50 with the floor's of the same round
// and reports their median and range besides the means.
func TestPrintTableByRound(t *testing.T) {
	var results []result
	lys := []float64{5.0, 4.4, 8.0} // against 4.0 each round: +25 %, +10 %, +100 %
	for r, p50 := range lys {
		results = append(results,
			result{Shape: "search", Target: "lysoen", Round: r + 1, RPS: 100, P50: p50, P99: 9, Requests: 1000, ServerCPU: 0.5, Neo4jCPU: 0.6, LoadCPU: 0.2},
			result{Shape: "search", Target: "floor", Round: r + 1, RPS: 120, P50: 4.0, P99: 8, Requests: 1200, ServerCPU: 0.4, Neo4jCPU: 0.6, LoadCPU: 0.2})
	}
	var out bytes.Buffer
	printTable(&out, options{rounds: 3, duration: time.Second, targets: "lysoen,floor"},
		[]shape{{Name: "search"}}, []*target{{name: "lysoen"}, {name: "floor"}}, results)
	var row string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "| search | lysoen |") {
			row = line
		}
	}
	// Mean p50 5.8 against 4.0: +45 %; by round: median +25 %, from +10 to +100 %.
	for _, want := range []string{"| 5.80 |", "| 0.500 | 0.600 | 0.200 |", "| +45% |", "| +25% (+10 … +100) |"} {
		if !strings.Contains(row, want) {
			t.Errorf("lysoen's row lacks %q:\n%s", want, row)
		}
	}
}
