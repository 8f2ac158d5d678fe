package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

type summary struct {
	latencies  []time.Duration
	byScenario map[string][]time.Duration
	statuses   map[int]int
	codes      map[string]int
	codesBy    map[string]map[string]int // scenario → error code → count
	transport  int
	cancelled  int
}

func newSummary() *summary {
	return &summary{byScenario: map[string][]time.Duration{}, statuses: map[int]int{}, codes: map[string]int{},
		codesBy: map[string]map[string]int{}}
}

func (s *summary) add(r result) {
	switch {
	case r.err != nil && r.status == 0 && r.latency == 0:
		s.cancelled++ // the run's time ran out mid-request
		return
	case r.err != nil:
		s.transport++
		return
	}
	s.latencies = append(s.latencies, r.latency)
	s.byScenario[r.scenario] = append(s.byScenario[r.scenario], r.latency)
	s.statuses[r.status]++
	for _, c := range r.codes {
		s.codes[c]++
		if s.codesBy[r.scenario] == nil {
			s.codesBy[r.scenario] = map[string]int{}
		}
		s.codesBy[r.scenario][c]++
	}
}

// Report is the summary printed and written with -json.
type Report struct {
	Requests        int                       `json:"requests"`
	Seconds         float64                   `json:"seconds"`
	Clients         int                       `json:"clients"`
	PerSecond       float64                   `json:"requestsPerSecond"`
	P50Ms           float64                   `json:"p50Ms"`
	P95Ms           float64                   `json:"p95Ms"`
	P99Ms           float64                   `json:"p99Ms"`
	MaxMs           float64                   `json:"maxMs"`
	Status5xx       int                       `json:"status5xx"`
	Statuses        map[int]int               `json:"statuses"`
	ErrorCodes      map[string]int            `json:"errorCodes"`
	TransportErrors int                       `json:"transportErrors"`
	Scenarios       map[string]ScenarioReport `json:"scenarios"`
}

type ScenarioReport struct {
	Requests   int            `json:"requests"`
	ErrorCodes map[string]int `json:"errorCodes,omitempty"`
	P50Ms      float64        `json:"p50Ms"`
	P99Ms      float64        `json:"p99Ms"`
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return float64(sorted[i].Microseconds()) / 1000
}

func sortDurations(d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
}

func (s *summary) report(elapsed time.Duration, clients int) Report {
	sortDurations(s.latencies)
	r := Report{Requests: len(s.latencies), Seconds: elapsed.Seconds(), Clients: clients,
		P50Ms: percentile(s.latencies, 0.50), P95Ms: percentile(s.latencies, 0.95), P99Ms: percentile(s.latencies, 0.99),
		MaxMs: percentile(s.latencies, 1), Statuses: s.statuses, ErrorCodes: s.codes, TransportErrors: s.transport,
		Scenarios: map[string]ScenarioReport{}}
	r.PerSecond = float64(r.Requests) / elapsed.Seconds()
	for code, n := range s.statuses {
		if code >= 500 {
			r.Status5xx += n
		}
	}
	for name, l := range s.byScenario {
		sortDurations(l)
		r.Scenarios[name] = ScenarioReport{Requests: len(l), ErrorCodes: s.codesBy[name],
			P50Ms: percentile(l, 0.5), P99Ms: percentile(l, 0.99)}
	}
	return r
}

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests in %.1fs from %d clients (%.0f/s)\n", r.Requests, r.Seconds, r.Clients, r.PerSecond)
	fmt.Fprintf(&b, "latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n", r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs)
	fmt.Fprintf(&b, "HTTP statuses: %v   5xx: %d   transport errors: %d   GraphQL error codes: %v\n",
		r.Statuses, r.Status5xx, r.TransportErrors, r.ErrorCodes)
	names := make([]string, 0, len(r.Scenarios))
	for n := range r.Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := r.Scenarios[n]
		fmt.Fprintf(&b, "  %-18s %6d requests  p50 %7.1f ms  p99 %7.1f ms", n, s.Requests, s.P50Ms, s.P99Ms)
		if len(s.ErrorCodes) > 0 {
			fmt.Fprintf(&b, "  errors %v", s.ErrorCodes)
		}
		b.WriteString("\n")
	}
	return b.String()
}
